import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, baseHeaders, request, toError } from '../api';
import { ActionStatus, Badge, Confirm, ErrorBox, Loading, formatTime, useAction } from '../components';
import { useLoad } from '../crud';
import { diffJson, type Change } from '../diff';
import { notify } from '../notices';
import { isAdmin, session } from '../session';
import { useStore } from '../store';

interface Generation {
  generation: number;
  time: string;
  user: string;
  summary: string;
  kept: boolean;
}

/** True when the appliance has no such endpoint (as opposed to "no such generation"). */
const missingEndpoint = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501) && (e.status !== 404 || (e.detail ?? '').startsWith('no resource at'));

export function ConfigPage() {
  const s = useStore(session);
  const admin = isAdmin(s?.role);
  const gens = useLoad(() => api.get<Generation[]>('/api/v1/config/generations?limit=50'));
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
    const r = await rollback.run(`Rolling back to generation ${n}`, () => api.post<Generation>(`/api/v1/config/rollback/${n}`), (g) => `Rolled back: generation ${g.generation} now holds generation ${n}'s configuration`);
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
  const [result, setResult] = useState<{ source: 'appliance' | 'browser'; changes: Change[] | null; raw?: unknown } | null>(null);
  const act = useAction();

  async function show(e: Event) {
    e.preventDefault();
    setResult(null);
    await act.run(`Comparing generation ${props.from} with ${props.to}`, async () => {
      try {
        const raw = await api.get<unknown>(`/api/v1/config/diff?from=${props.from}&to=${props.to}`);
        const changes = raw && typeof raw === 'object' && Array.isArray((raw as { changes?: unknown }).changes) ? ((raw as { changes: Change[] }).changes) : null;
        setResult({ source: 'appliance', changes, raw });
        return changes?.length ?? 0;
      } catch (err) {
        if (!missingEndpoint(err)) throw err;
      }
      const [a, b] = await Promise.all([
        api.get<{ config: unknown; kept: boolean }>(`/api/v1/config/generations/${props.from}`),
        api.get<{ config: unknown; kept: boolean }>(`/api/v1/config/generations/${props.to}`),
      ]);
      if (!a.kept || !b.kept) throw new Error('one of these generations no longer keeps its configuration');
      const changes = diffJson(a.config, b.config);
      setResult({ source: 'browser', changes });
      return changes.length;
    }, (n) => `${n} difference(s)`);
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
      {result && (
        <div>
          <p class="muted">{result.source === 'appliance' ? 'Diff from the appliance.' : 'Computed in the browser from the two generations (the appliance has no diff endpoint yet).'}</p>
          {result.changes ? <ChangeList changes={result.changes} /> : <pre class="json">{JSON.stringify(result.raw, null, 2)}</pre>}
        </div>
      )}
    </div>
  );
}

function ChangeList(props: { changes: Change[] }) {
  if (props.changes.length === 0) return <p>No differences.</p>;
  const show = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));
  return (
    <div class="table-wrap">
      <table class="diff" aria-label="Differences">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Change</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {props.changes.map((c) => (
            <tr key={c.path + c.op} class={`diff-${c.op}`}>
              <td>
                <code>{c.path}</code>
              </td>
              <td>{c.op}</td>
              <td>
                <code class="before">{show(c.before)}</code>
              </td>
              <td>
                <code class="after">{show(c.after)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function BundlePanel(props: { admin: boolean; onApplied: () => void }) {
  const [exportMissing, setExportMissing] = useState(false);
  const [importMissing, setImportMissing] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const exp = useAction();
  const imp = useAction();

  async function doExport() {
    await exp.run('Exporting the bundle', async () => {
      const response = await fetch('/api/v1/bundle', { headers: { ...baseHeaders(), Accept: '*/*' }, credentials: 'same-origin' });
      if (!response.ok) {
        const e = await toError(response);
        if (missingEndpoint(e)) {
          setExportMissing(true);
          throw new Error('bundle export is not available on this box');
        }
        throw e;
      }
      const blob = await response.blob();
      const disposition = response.headers.get('Content-Disposition') ?? '';
      const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? 'fulcrum-bundle';
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = decodeURIComponent(name);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      return blob.size;
    }, (size) => `Downloaded the bundle (${size} bytes)`);
  }

  async function upload(mode: 'dryRun' | 'replace') {
    if (!file) return;
    const label = mode === 'dryRun' ? `Checking ${file.name} (dry run)` : `Importing ${file.name}`;
    const r = await imp.run(label, async () => {
      try {
        return await request<unknown>(`/api/v1/bundle?mode=${mode}`, { method: 'POST', raw: file, contentType: 'application/octet-stream' });
      } catch (e) {
        if (missingEndpoint(e)) {
          setImportMissing(true);
          throw new Error('bundle import is not available on this box');
        }
        throw e;
      }
    }, () => (mode === 'dryRun' ? 'Dry run done: review the changes below, then apply' : 'Imported: the bundle is the current configuration'));
    if (r !== undefined) {
      if (mode === 'dryRun') setDryRun(r ?? {});
      else {
        setDryRun(null);
        notify('ok', `Imported ${file.name}`);
        props.onApplied();
      }
    }
  }

  const changes = dryRun && typeof dryRun === 'object' ? ((dryRun as { changes?: Change[]; diff?: Change[] }).changes ?? (dryRun as { diff?: Change[] }).diff) : undefined;
  return (
    <div class="panel">
      <h2>Bundle</h2>
      <p class="muted">A bundle is the whole configuration in one file, to keep or to move to another box.</p>
      <div class="actions left">
        <button type="button" onClick={doExport}>
          Export bundle
        </button>
      </div>
      {exportMissing && (
        <p class="unavailable" role="status">
          Bundle export is not available on this box (the appliance has no /api/v1/bundle yet).
        </p>
      )}
      <ActionStatus state={exp.state} />
      {props.admin && (
        <form
          class="bundle-import"
          onSubmit={(e) => {
            e.preventDefault();
            void upload('dryRun');
          }}
        >
          <label for="bundle-file">Import a bundle</label>
          <input id="bundle-file" type="file" onChange={(e) => {
            setFile(e.currentTarget.files?.[0] ?? null);
            setDryRun(null);
          }} />
          <div class="actions left">
            <button type="submit" data-mutates disabled={!file}>
              Check import (dry run)
            </button>
            {dryRun !== null && (
              <button type="button" class="danger" data-mutates onClick={() => setConfirming(true)}>
                Apply import (replace)
              </button>
            )}
          </div>
        </form>
      )}
      {importMissing && (
        <p class="unavailable" role="status">
          Bundle import is not available on this box (the appliance has no /api/v1/bundle yet).
        </p>
      )}
      <ActionStatus state={imp.state} />
      {dryRun !== null && (Array.isArray(changes) ? <ChangeList changes={changes} /> : <pre class="json">{JSON.stringify(dryRun, null, 2)}</pre>)}
      {confirming && (
        <Confirm
          title="Replace the configuration with this bundle?"
          message={<p>The bundle's configuration replaces the current one, as a new generation. You can roll back afterwards.</p>}
          confirmLabel="Replace configuration"
          danger
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void upload('replace');
          }}
        />
      )}
    </div>
  );
}
