import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, describe, enc } from '../api';
import { ActionStatus, ErrorBox, Link, Loading, useAction } from '../components';
import { FieldErrors } from '../forms';
import type { RuleTrace } from '../generated/openapi';
import { dataGroupMethods, events, globals, limiterMethods, members, type HostName } from '../hostApi';
import { notify, withdraw } from '../notices';
import { navigate } from '../router';
import { canWrite, session } from '../session';
import { useStore } from '../store';

const starter = `// Runs for every HTTP request on the virtual servers that list this rule.
when('HTTP_REQUEST', (ctx) => {
  if (ctx.http.path.startsWith('/api/')) {
    ctx.lb.pool('api');
  }
});
`;

const sampleRequest = JSON.stringify(
  { client: { ip: '10.1.2.3', port: 5555 }, request: { method: 'GET', uri: '/api/1', headers: { host: 'www.example.com' }, body: '' } },
  null,
  2,
);

/** Completion of the host API: globals, members after a known prefix, event names inside when('…'). */
export function hostCompletions(context: CompletionContext): CompletionResult | null {
  const eventArg = context.matchBefore(/when\(\s*['"][A-Z_]*$/);
  if (eventArg) {
    const quote = Math.max(eventArg.text.lastIndexOf("'"), eventArg.text.lastIndexOf('"'));
    return { from: eventArg.from + quote + 1, options: events.map((e) => ({ label: e, type: 'constant', detail: 'event' })) };
  }
  const member = context.matchBefore(/[A-Za-z_$][\w$]*(?:\([^()]*\))?(?:\.[A-Za-z_$][\w$]*(?:\([^()]*\))?)*\.[\w$]*$/);
  if (member) {
    const dot = member.text.lastIndexOf('.');
    const base = member.text.slice(0, dot);
    const options = membersOf(base);
    if (options) return { from: member.from + dot + 1, options: options.map(toOption), validFor: /^[\w$]*$/ };
    return null;
  }
  const word = context.matchBefore(/[\w$]+/);
  if (!word && !context.explicit) return null;
  return { from: word ? word.from : context.pos, options: globals.map(toOption), validFor: /^[\w$]*$/ };
}

function membersOf(base: string): HostName[] | null {
  const plain = base.replace(/\s+/g, '');
  if (members[plain]) return members[plain];
  if (/^dataGroup\([^()]*\)$/.test(plain)) return dataGroupMethods;
  if (/^limiter\([^()]*\)$/.test(plain)) return limiterMethods;
  if (/^table(\.sub\([^()]*\))+$/.test(plain)) return members.table;
  return null;
}

const toOption = (n: HostName) => ({ label: n.label, type: n.type === 'namespace' ? 'namespace' : n.type, detail: n.detail, info: n.info });

/** `line L, column C: message` (1-based, as the appliance reports compile errors) → an editor diagnostic. */
export function diagnosticFrom(doc: Text, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  const m = /^line (\d+), column (\d+): ([\s\S]*)$/.exec(message);
  if (!m) return { from: 0, to: Math.min(doc.length, 1), severity, message };
  const lineNo = Math.min(Math.max(1, Number(m[1])), doc.lines);
  const line = doc.line(lineNo);
  const from = Math.min(line.from + Math.max(0, Number(m[2]) - 1), line.to);
  const to = Math.min(Math.max(from + 1, from), line.to === from ? Math.min(from + 1, doc.length) : line.to);
  return { from, to: Math.max(from, to), severity, message: `line ${lineNo}, column ${m[2]}: ${m[3]}` };
}

export function RuleEditor(props: { name: string | null }) {
  const s = useStore(session);
  const writable = canWrite(s?.role, 'rules');
  const creating = props.name === null;
  const [ruleName, setRuleName] = useState(props.name ?? '');
  const [description, setDescription] = useState('');
  const [loaded, setLoaded] = useState<{ source: string } | null>(creating ? { source: starter } : null);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [check, setCheck] = useState<{ state: 'idle' | 'checking' | 'ok' | 'errors' | 'unavailable'; count: number; text?: string }>({ state: 'idle', count: 0 });
  const [nameErrors, setNameErrors] = useState<string[]>([]);
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [sample, setSample] = useState(sampleRequest);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const [trace, setTrace] = useState<RuleTrace | null>(null);
  const [benchMissing, setBenchMissing] = useState(false);
  const save = useAction();
  const test = useAction();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const exists = useRef(!creating);
  // The editor's change listener outlives renders; it reads the current name and description through these.
  const nameRef = useRef(ruleName);
  const descRef = useRef(description);
  nameRef.current = ruleName;
  descRef.current = description;

  useEffect(() => {
    if (creating) return;
    api.get<{ name: string; source: string; description?: string }>(`/api/v1/rules/${enc(props.name!)}`).then(
      (r) => {
        setDescription(r.description ?? '');
        setLoaded({ source: r.source });
      },
      setLoadError,
    );
  }, [props.name]);

  useEffect(() => {
    if (!loaded || !host.current) return;
    const state = EditorState.create({
      doc: loaded.source,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        bracketMatching(),
        closeBrackets(),
        indentOnInput(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        javascript(),
        autocompletion({ override: [hostCompletions], activateOnTyping: true }),
        lintGutter(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ 'aria-label': 'Rule source (JavaScript). Press Escape then Tab to leave the editor.' }),
        EditorState.readOnly.of(!writable),
        EditorView.editable.of(writable),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) scheduleCheck();
        }),
      ],
    });
    const v = new EditorView({ state, parent: host.current });
    view.current = v;
    if (writable) scheduleCheck(0);
    return () => {
      v.destroy();
      view.current = null;
    };
  }, [loaded, writable]);

  function source(): string {
    return view.current?.state.doc.toString() ?? '';
  }

  function mark(messages: string[], extra: Diagnostic[] = []) {
    const v = view.current;
    if (!v) return;
    const diags = [...messages.map((m) => diagnosticFrom(v.state.doc, m)), ...extra];
    v.dispatch(setDiagnostics(v.state, diags));
  }

  /** Splits a refusal's errors into the source's (marked in the editor) and the rest (shown by their fields). */
  function showRefusal(e: unknown, name: string): number {
    if (!(e instanceof ApiError)) return 0;
    const src = e.errors.filter((x) => x.path === `rules/${name}/source`).map((x) => x.message);
    setNameErrors(e.errors.filter((x) => x.path === 'name' || x.path === `rules/${name}/name` || x.path === `changes/0/name`).map((x) => x.message));
    setGeneralErrors(e.errors.filter((x) => !x.path.endsWith('/source') && !x.path.endsWith('name')).map((x) => `${x.path}: ${x.message}`));
    mark(src);
    return src.length;
  }

  function scheduleCheck(delay = 700) {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void runCheck(), delay);
  }

  /** Compiles the text without saving it: a dry-run transaction, so errors are marked before the save. */
  async function runCheck() {
    const name = nameRef.current.trim() || 'unsaved-rule';
    setCheck({ state: 'checking', count: 0 });
    try {
      await api.post('/api/v1/config/transaction', {
        dryRun: true,
        changes: [{ op: exists.current ? 'replace' : 'create', kind: 'rules', name, body: { name, source: source(), description: descRef.current || null } }],
      });
      mark([]);
      setGeneralErrors([]);
      setCheck({ state: 'ok', count: 0 });
    } catch (e) {
      const n = showRefusal(e, name);
      if (e instanceof ApiError && e.status === 403) setCheck({ state: 'unavailable', count: 0, text: 'checking needs a role that may change rules' });
      else setCheck(n > 0 ? { state: 'errors', count: n } : { state: 'errors', count: 0, text: describe(e) });
    }
  }

  async function onSave(e?: Event) {
    e?.preventDefault();
    const name = ruleName.trim();
    if (!name) {
      setNameErrors(['a name is required']);
      return;
    }
    setNameErrors([]);
    // The previous save's notice is about older text: it goes while this one runs, so "Saved" always means this save.
    const savedKey = `saved-rule:${name}`;
    withdraw(savedKey);
    const body = { name, source: source(), description: description || null };
    const result = await save.run(
      `Saving rule '${name}'`,
      async () => {
        try {
          return exists.current ? await api.put(`/api/v1/rules/${enc(name)}`, body) : await api.post('/api/v1/rules', body);
        } catch (err) {
          const n = showRefusal(err, name);
          if (n > 0) setCheck({ state: 'errors', count: n });
          throw err;
        }
      },
      () => `Saved rule '${name}'; it is live in the new generation`,
    );
    if (result !== undefined) {
      mark([]);
      setCheck({ state: 'ok', count: 0 });
      notify('ok', `Saved rule '${name}'`, savedKey);
      if (!exists.current) {
        exists.current = true;
        navigate(`/rules/${enc(name)}`, true);
      }
    }
  }

  async function runTest(e: Event) {
    e.preventDefault();
    setSampleError(null);
    let body: unknown;
    try {
      body = JSON.parse(sample);
    } catch (err) {
      setSampleError(`The sample is not valid JSON: ${(err as Error).message}`);
      return;
    }
    const name = ruleName.trim();
    setTrace(null);
    const r = await test.run(
      `Running '${name}' on the sample`,
      async () => {
        try {
          return await api.post<RuleTrace>(`/api/v1/rules/${enc(name)}/test`, body);
        } catch (err) {
          if (err instanceof ApiError && ((err.status === 404 && (err.detail ?? '').startsWith('no resource at')) || err.status === 405 || err.status === 501)) {
            setBenchMissing(true);
            throw new Error('test bench not available on this box');
          }
          throw err;
        }
      },
      (t) => (t.error ? `The rule failed: ${t.error.message}` : `Ran ${t.events?.length ?? 0} event(s)`),
    );
    if (r) {
      setTrace(r);
      if (r.error?.line && view.current) {
        mark([], [diagnosticFrom(view.current.state.doc, `line ${r.error.line}, column ${r.error.column ?? 1}: ${r.error.message} (at run time${r.error.event ? `, in ${r.error.event}` : ''})`)]);
      }
    }
  }

  if (loadError !== undefined) return <ErrorBox error={loadError} />;
  return (
    <section aria-labelledby="page-title" class="rule-page">
      <div class="page-head">
        <h1 id="page-title">{creating ? 'New rule' : `Rule ${props.name}`}</h1>
        <Link href="/rules">All rules</Link>
      </div>
      {!writable && <p class="muted read-only-note">Read-only for your role.</p>}
      {!loaded && <Loading what="the rule" />}
      <div class="rule-layout">
        <form class="rule-main" onSubmit={onSave}>
          <fieldset disabled={!writable || save.state.running !== null}>
            <legend class="sr-only">Rule</legend>
            <div class="form-grid">
              <div class="field">
                <label for="rule-name">Name</label>
                <input id="rule-name" value={ruleName} readOnly={!creating} onInput={(e) => setRuleName(e.currentTarget.value)} aria-invalid={nameErrors.length ? true : undefined} aria-describedby="rule-name-errors" required autoComplete="off" />
                <FieldErrors id="rule-name-errors" messages={nameErrors} />
              </div>
              <div class="field">
                <label for="rule-description">Description</label>
                <input id="rule-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} autoComplete="off" />
              </div>
            </div>
          </fieldset>
          <div class="editor-label" id="editor-label">
            Source <span class="muted">(Ctrl-Space completes the host API: ctx.http, ctx.lb, table, limiter, dataGroup…)</span>
          </div>
          <div ref={host} class="editor" aria-labelledby="editor-label" />
          <p class={`check ${check.state}`} role="status" aria-live="polite" data-check={check.state}>
            {check.state === 'checking' && 'Checking…'}
            {check.state === 'ok' && '✓ Compiles'}
            {check.state === 'errors' && (check.count > 0 ? `✗ ${check.count} compile error(s), marked in the editor` : `✗ ${check.text ?? 'refused'}`)}
            {check.state === 'unavailable' && check.text}
          </p>
          {generalErrors.length > 0 && (
            <div class="error-box" role="alert">
              <ul>
                {generalErrors.map((g) => (
                  <li key={g}>{g}</li>
                ))}
              </ul>
            </div>
          )}
          <ActionStatus state={save.state} />
          {writable && (
            <div class="actions">
              <button type="submit" class="primary" data-mutates disabled={save.state.running !== null}>
                Save rule
              </button>
            </div>
          )}
        </form>
        <aside class="bench" aria-labelledby="bench-title">
          <h2 id="bench-title">Test bench</h2>
          <p class="muted">Runs the saved rule on a sample request and shows its trace. Nothing leaves the box.</p>
          {benchMissing ? (
            <p class="unavailable" role="status">
              test bench not available on this box
            </p>
          ) : null}
          <form onSubmit={runTest}>
            <label for="sample">Sample request (JSON)</label>
            <textarea id="sample" rows={12} spellcheck={false} value={sample} onInput={(e) => setSample(e.currentTarget.value)} aria-describedby="sample-errors" aria-invalid={sampleError ? true : undefined} />
            <FieldErrors id="sample-errors" messages={sampleError ? [sampleError] : undefined} />
            <div class="actions">
              <button type="submit" disabled={creating && !exists.current} title={creating && !exists.current ? 'Save the rule first' : undefined}>
                Run test
              </button>
            </div>
          </form>
          <ActionStatus state={test.state} />
          {trace && <Trace trace={trace} />}
        </aside>
      </div>
    </section>
  );
}

function Trace(props: { trace: RuleTrace }) {
  const { trace } = props;
  return (
    <div class="trace" aria-label="Trace">
      {trace.error && (
        <p class="outcome error">
          Error{trace.error.event ? ` in ${trace.error.event}` : ''}
          {trace.error.line ? ` at line ${trace.error.line}, column ${trace.error.column}` : ''}: {trace.error.message}
        </p>
      )}
      <ol>
        {(trace.events ?? []).map((ev, i) => (
          <li key={i}>
            <strong>{ev.event}</strong> <span class="muted">{ev.micros ?? 0} µs</span>
            <ul>
              {(ev.calls ?? []).map((c, j) => (
                <li key={j}>
                  <code>
                    {c.call}({(c.args ?? []).map((a) => JSON.stringify(a)).join(', ')})
                  </code>
                </li>
              ))}
              {(ev.logs ?? []).map((l, j) => (
                <li key={`l${j}`} class="log">
                  {l.level === 'info' ? 'log' : l.level}: {l.message}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </div>
  );
}
