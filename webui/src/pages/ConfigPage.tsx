import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, baseHeaders, request, toError } from '../api';
import { ActionStatus, Badge, Confirm, ErrorBox, Loading, formatTime, useAction } from '../components';
import { useLoad } from '../crud';
import { DiffView, isConfigDiff, type ConfigDiff } from '../diff';
import type { BundleReport, GenerationView } from '../generated/openapi';
import { notify } from '../notices';
import { isAdmin, session } from '../session';
import { useStore } from '../store';

export function ConfigPage() {
  const s = useStore(session);
  const admin = isAdmin(s?.role);
  const gens = useLoad(() => api.get<GenerationView[]>('/api/v1/config/generations?limit=50'));
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const rollback = useAction();

  useEffect(() => {
    const list = gens.data;
    if (list && list.length > 0 && to === null) {
      setTo(list[0].generation);
      setFrom(list.length > 1 ? list[1].generation : list[0].generation);
    }
  }, [gens.data]);

  async function doRollback(n: number) {
    setRollingBack(null);
    const r = await rollback.run(`Rolling back to generation ${n}`, () => api.post<GenerationView>(`/api/v1/config/rollback/${n}`), (g) => `Rolled back: generation ${g.generation} now holds generation ${n}'s configuration`);
    if (r) notify('ok', `Rolled back to generation ${n} (new generation ${r.generation})`);
    gens.reload();
  }

  const current = gens.data?.[0]?.generation;
  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">Configuration</h1>
      </div>
      <h2>Generations</h2>
      <p class="muted">Every accepted change is a generation. The last 50 keep their whole configuration and can be compared or rolled back to.</p>
      <ActionStatus state={rollback.state} />
      {gens.loading && !gens.data && <Loading what="generations" />}
      {gens.error !== undefined && <ErrorBox error={gens.error} retry={gens.reload} />}
      {gens.data && (
        <div class="table-wrap">
          <table class="objects" aria-label="Generations">
            <thead>
              <tr>
                <th scope="col">Generation</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Summary</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {gens.data.map((g) => (
                <tr key={g.generation}>
                  <th scope="row">
                    {g.generation} {g.generation === current && <Badge kind="up">current</Badge>}
                  </th>
                  <td>{formatTime(g.time)}</td>
                  <td>{g.user}</td>
                  <td>{g.summary}</td>
                  <td>
                    <input type="radio" name="diff-from" aria-label={`Compare from generation ${g.generation}`} checked={from === g.generation} disabled={!g.kept} onChange={() => setFrom(g.generation)} />
                  </td>
                  <td>
                    <input type="radio" name="diff-to" aria-label={`Compare to generation ${g.generation}`} checked={to === g.generation} disabled={!g.kept} onChange={() => setTo(g.generation)} />
                  </td>
                  <td class="row-actions">
                    {admin && g.generation !== current && g.kept && (
                      <button type="button" data-mutates onClick={() => setRollingBack(g.generation)}>
                        Roll back to {g.generation}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!admin && <p class="muted read-only-note">Only an admin can roll back.</p>}
      {from !== null && to !== null && <DiffPanel from={from} to={to} />}
      <BundlePanel admin={admin} onApplied={gens.reload} />
      {rollingBack !== null && (
        <Confirm
          title={`Roll back to generation ${rollingBack}?`}
          message={<p>Generation {rollingBack}'s configuration becomes current again, as a new generation. Traffic follows at once. Users and passwords are not affected.</p>}
          confirmLabel={`Roll back to ${rollingBack}`}
          danger
          onClose={() => setRollingBack(null)}
          onConfirm={() => void doRollback(rollingBack)}
        />
      )}
    </section>
  );
}

function DiffPanel(props: { from: number; to: number }) {
  const [result, setResult] = useState<{ from: number; to: number; diff: ConfigDiff } | null>(null);
  const act = useAction();

  async function show(e: Event) {
    e.preventDefault();
    setResult(null);
    const r = await act.run(
      `Comparing generation ${props.from} with ${props.to}`,
      () => api.get<{ from: number; to: number; diff: ConfigDiff }>(`/api/v1/config/diff?from=${props.from}&to=${props.to}`),
      (r) => `Generation ${r.from} → ${r.to}: ${r.diff.counts.added} added, ${r.diff.counts.changed} changed, ${r.diff.counts.removed} removed`,
    );
    if (r) setResult(r);
  }

  return (
    <div class="panel">
      <h2>Compare generations</h2>
      <form onSubmit={show} class="inline-form">
        <p>
          From <strong>{props.from}</strong> to <strong>{props.to}</strong> (choose with the radio buttons above).
        </p>
        <button type="submit">Show diff</button>
      </form>
      <ActionStatus state={act.state} />
      {result && <DiffView diff={result.diff} label="Differences" emptyText={`Generations ${result.from} and ${result.to} hold the same configuration.`} />}
    </div>
  );
}

type ApplyMode = 'replace' | 'merge';

/** What a refused import said: the problem's title, detail and reason, its field errors, and its diff (422). */
interface Refusal {
  status: number;
  title: string;
  detail?: string;
  reason?: string;
  errors: { path: string; message: string }[];
  diff?: ConfigDiff;
}

const refusalOf = (e: unknown): Refusal | null =>
  e instanceof ApiError && e.status >= 400
    ? { status: e.status, title: e.title, detail: e.detail, reason: e.reason, errors: e.errors, diff: isConfigDiff(e.problem.diff) ? e.problem.diff : undefined }
    : null;

function BundlePanel(props: { admin: boolean; onApplied: () => void }) {
  const [exportPhrase, setExportPhrase] = useState('');
  const [exportRefusal, setExportRefusal] = useState<Refusal | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [importPhrase, setImportPhrase] = useState('');
  const [mode, setMode] = useState<ApplyMode>('replace');
  const [report, setReport] = useState<BundleReport | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [confirming, setConfirming] = useState(false);
  const exp = useAction();
  const imp = useAction();

  async function doExport(e: Event) {
    e.preventDefault();
    setExportRefusal(null);
    await exp.run(exportPhrase ? 'Exporting the bundle with private keys' : 'Exporting the bundle', async () => {
      const headers: Record<string, string> = { ...baseHeaders(), Accept: '*/*' };
      if (exportPhrase) headers['X-Bundle-Passphrase'] = exportPhrase;
      const response = await fetch('/api/v1/bundle', { headers, credentials: 'same-origin' });
      if (!response.ok) {
        const err = await toError(response);
        setExportRefusal(refusalOf(err));
        throw err;
      }
      const blob = await response.blob();
      const disposition = response.headers.get('Content-Disposition') ?? '';
      const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? 'fulcrum-bundle.zip';
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = decodeURIComponent(name);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      return { size: blob.size, generation: response.headers.get('Fulcrum-Generation') };
    }, (r) => `Downloaded the bundle of generation ${r.generation ?? '?'} (${r.size} bytes${exportPhrase ? ', private keys encrypted with the passphrase' : ', without private keys'})`);
  }

  function reset() {
    setReport(null);
    setRefusal(null);
    imp.clear();
  }

  async function post(query: string): Promise<BundleReport> {
    setRefusal(null);
    try {
      return await request<BundleReport>(`/api/v1/bundle?${query}`, {
        method: 'POST',
        raw: file!,
        contentType: 'application/octet-stream',
        headers: importPhrase ? { 'X-Bundle-Passphrase': importPhrase } : undefined,
      });
    } catch (e) {
      setRefusal(refusalOf(e));
      throw e;
    }
  }

  async function dryRun(e: Event) {
    e.preventDefault();
    if (!file) return;
    setReport(null);
    const r = await imp.run(
      `Checking ${file.name} (dry run, ${mode})`,
      () => post(mode === 'replace' ? 'mode=dryRun' : 'mode=merge&dryRun=true'),
      (r) => (r.valid ? `Dry run done: nothing was changed. Review the ${mode} below, then apply it.` : 'Dry run done: the bundle is not valid here'),
    );
    if (r) setReport(r);
  }

  async function apply() {
    setConfirming(false);
    if (!file || !report) return;
    const applying = mode;
    const r = await imp.run(`Importing ${file.name} (${applying})`, () => post(`mode=${applying}`), (r) =>
      r.applied
        ? `Imported (${applying}): generation ${r.generation} is the bundle's configuration. To undo, roll back to generation ${r.baseGeneration}.`
        : `Imported (${applying}): nothing changed, so no new generation was made`,
    );
    if (r) {
      setReport(null);
      if (r.applied) notify('ok', `Imported ${file.name}: generation ${r.generation}`);
      props.onApplied();
    }
  }

  const canApply = report !== null && report.valid && report.dryRun;
  const empty = report !== null && report.diff.added.length + report.diff.changed.length + report.diff.removed.length === 0;
  return (
    <div class="panel">
      <h2>Bundle</h2>
      <p class="muted">A bundle is the whole configuration in one file, to keep or to move to another box. Private keys travel only encrypted, with a passphrase.</p>
      <form class="bundle-form" onSubmit={doExport} aria-label="Export a bundle">
        <h3>Export</h3>
        <div class="field">
          <label for="export-passphrase">Passphrase for private keys (optional, admin only)</label>
          <input id="export-passphrase" type="password" autoComplete="new-password" value={exportPhrase} onInput={(e) => setExportPhrase(e.currentTarget.value)} aria-describedby="export-passphrase-help" />
          <small class="help" id="export-passphrase-help">
            Without one, certificates' private keys are left out. With one, they are encrypted with it: only an admin may export keys.
          </small>
        </div>
        <div class="actions left">
          <button type="submit">Export bundle</button>
        </div>
      </form>
      <ActionStatus state={exp.state} />
      {exportRefusal && <RefusalBox refusal={exportRefusal} what="export" />}
      {props.admin ? (
        <form class="bundle-form" onSubmit={dryRun} aria-label="Import a bundle">
          <h3>Import</h3>
          <div class="field">
            <label for="bundle-file">Bundle file</label>
            <input
              id="bundle-file"
              type="file"
              accept=".zip,application/zip"
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                reset();
              }}
            />
          </div>
          <div class="field">
            <label for="import-passphrase">Passphrase (if the bundle holds encrypted keys)</label>
            <input id="import-passphrase" type="password" autoComplete="off" value={importPhrase} onInput={(e) => { setImportPhrase(e.currentTarget.value); reset(); }} />
          </div>
          <fieldset class="field">
            <legend class="label">How to apply it</legend>
            <label class="check">
              <input type="radio" name="import-mode" value="replace" checked={mode === 'replace'} onChange={() => { setMode('replace'); reset(); }} /> Replace: the configuration becomes exactly the bundle's (objects not in it are removed)
            </label>
            <label class="check">
              <input type="radio" name="import-mode" value="merge" checked={mode === 'merge'} onChange={() => { setMode('merge'); reset(); }} /> Merge: the bundle's objects are added or updated, nothing is removed
            </label>
          </fieldset>
          <div class="actions left">
            <button type="submit" data-mutates disabled={!file || imp.state.running !== null}>
              Check import (dry run)
            </button>
            {canApply && !empty && (
              <button type="button" class="danger" data-mutates onClick={() => setConfirming(true)}>
                Apply import ({mode})
              </button>
            )}
          </div>
        </form>
      ) : (
        <p class="muted read-only-note">Only an admin can import a bundle.</p>
      )}
      <ActionStatus state={imp.state} />
      {refusal && <RefusalBox refusal={refusal} what="import" />}
      {report && <ReportView report={report} />}
      {confirming && report && (
        <Confirm
          title={mode === 'merge' ? 'Merge this bundle into the configuration?' : 'Replace the configuration with this bundle?'}
          message={
            <>
              <p>
                {mode === 'merge'
                  ? 'The bundle\'s objects are added or updated; nothing is removed.'
                  : 'The bundle\'s configuration replaces the current one; objects not in the bundle are removed.'}{' '}
                {report.diff.counts.added} added, {report.diff.counts.changed} changed, {report.diff.counts.removed} removed, as one new generation. Traffic follows at once.
              </p>
              <p>To undo it, roll back to generation {report.baseGeneration}.</p>
            </>
          }
          confirmLabel={mode === 'merge' ? 'Merge configuration' : 'Replace configuration'}
          danger
          onClose={() => setConfirming(false)}
          onConfirm={() => void apply()}
        />
      )}
    </div>
  );
}

function RefusalBox(props: { refusal: Refusal; what: 'export' | 'import' }) {
  const r = props.refusal;
  const heading =
    r.status === 403 ? (props.what === 'export' ? 'Not allowed: exporting private keys is for admins only' : 'Refused by the signature policy') : props.what === 'export' ? 'The export was refused' : 'The bundle was refused';
  return (
    <div class="error-box refusal" role="alert" data-reason={r.reason ?? ''}>
      <p>
        <strong>{heading}</strong> ({r.status} {r.title}
        {r.reason ? `, reason ${r.reason}` : ''})
      </p>
      {r.detail && <p>{r.detail}</p>}
      {r.errors.length > 0 && (
        <ul class="import-errors" aria-label="Validation errors">
          {r.errors.map((e) => (
            <li key={e.path + e.message}>
              {e.path && <code>{e.path}</code>} {e.message}
            </li>
          ))}
        </ul>
      )}
      {r.diff && (
        <>
          <p>What the bundle would have changed:</p>
          <DiffView diff={r.diff} label="Bundle differences" />
        </>
      )}
    </div>
  );
}

function ReportView(props: { report: BundleReport }) {
  const { bundle, signature, diff } = props.report;
  return (
    <div class="bundle-report" aria-label="Dry run result" role="region">
      <dl class="facts">
        <div>
          <dt>From</dt>
          <dd data-fact="source">
            {bundle.sourceHost}, generation {bundle.generation}
          </dd>
        </div>
        <div>
          <dt>Made</dt>
          <dd>{formatTime(bundle.created)}</dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>
            {bundle.format}
            {bundle.sourceFormat !== bundle.format ? ` (upgraded from ${bundle.sourceFormat})` : ''}, fulcrum {bundle.productVersion}
          </dd>
        </div>
        <div>
          <dt>Private keys</dt>
          <dd data-fact="keys">
            {bundle.keys === 'encrypted' ? 'encrypted (passphrase)' : bundle.keys === 'omitted' ? `left out${bundle.omittedKeys.length ? `: ${bundle.omittedKeys.join(', ')}` : ''}` : 'none'}
          </dd>
        </div>
        <div>
          <dt>Signature</dt>
          <dd data-fact="signature">
            {signature.signed ? (
              <>
                <Badge kind={signature.trusted ? 'up' : 'warn'}>{signature.trusted ? 'trusted' : 'not trusted'}</Badge> signed by {signature.signer ?? 'an unknown signer'}{' '}
                {signature.fingerprint && <code class="fingerprint">{signature.fingerprint}</code>}
              </>
            ) : (
              <Badge kind="warn">unsigned</Badge>
            )}
            {signature.required ? ' (this box requires a trusted signature)' : ''}
          </dd>
        </div>
        <div>
          <dt>Applies to</dt>
          <dd>
            generation {props.report.baseGeneration} ({props.report.mode === 'merge' ? 'merge' : 'replace'})
          </dd>
        </div>
      </dl>
      {props.report.errors.length > 0 && (
        <div class="error-box" role="alert">
          <p>The configuration would not be valid:</p>
          <ul class="import-errors" aria-label="Validation errors">
            {props.report.errors.map((e) => (
              <li key={e.path + e.message}>
                {e.path && <code>{e.path}</code>} {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <DiffView diff={diff} label="Bundle differences" emptyText="The bundle matches the current configuration: importing it changes nothing." />
    </div>
  );
}
