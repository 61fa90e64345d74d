import { useState } from 'preact/hooks';
import { api } from '../api';
import { ActionStatus, Confirm, ErrorBox, Loading, formatTime, useAction } from '../components';
import { useLoad } from '../crud';
import type { PersistenceEntry } from '../generated/openapi';
import { session } from '../session';
import { useStore } from '../store';

/** One live persistence record (GET /api/v1/persistence, docs/BALANCING.md). */
interface Filters {
  virtual: string;
  pool: string;
  key: string;
}

const query = (f: Filters) => {
  const q = new URLSearchParams();
  if (f.virtual) q.set('virtual', f.virtual);
  if (f.pool) q.set('pool', f.pool);
  if (f.key) q.set('key', f.key);
  const s = q.toString();
  return s ? `?${s}` : '';
};

const describeFilters = (f: Filters) =>
  [f.virtual && `virtual ${f.virtual}`, f.pool && `pool ${f.pool}`, f.key && `key ${f.key}`].filter(Boolean).join(', ') || 'no filter';

/** Persistence records: which client key sticks to which member, filtered by virtual, pool and key; and clearing them. */
export function PersistencePage() {
  const s = useStore(session);
  const writable = s?.role === 'admin' || s?.role === 'operator';
  const names = useLoad(async () => {
    const [v, p] = await Promise.all([api.get<{ name: string }[]>('/api/v1/virtuals'), api.get<{ name: string }[]>('/api/v1/pools')]);
    return { virtuals: v.map((x) => x.name), pools: p.map((x) => x.name) };
  });
  const [draft, setDraft] = useState<Filters>({ virtual: '', pool: '', key: '' });
  const [applied, setApplied] = useState<Filters>({ virtual: '', pool: '', key: '' });
  const records = useLoad(() => api.get<PersistenceEntry[]>(`/api/v1/persistence${query(applied)}`), [applied]);
  const [clearing, setClearing] = useState(false);
  const clear = useAction();

  async function doClear() {
    setClearing(false);
    const f = applied;
    await clear.run(`Clearing persistence records (${describeFilters(f)})`, () => api.del(`/api/v1/persistence${query(f)}`), () => `Cleared the persistence records (${describeFilters(f)})`);
    records.reload();
  }

  const set = (k: keyof Filters, v: string) => setDraft({ ...draft, [k]: v });
  const filtered = applied.virtual || applied.pool || applied.key;
  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">Persistence</h1>
      </div>
      <p class="muted">Live persistence records: a client's key (source address, cookie, hash or a rule's universal key) kept on one pool member until it expires.</p>
      <form
        class="filters"
        aria-label="Filter persistence records"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft, key: draft.key.trim() });
        }}
      >
        <div class="field">
          <label for="p-virtual">Virtual server</label>
          <select id="p-virtual" value={draft.virtual} onChange={(e) => set('virtual', e.currentTarget.value)}>
            <option value="">any</option>
            {(names.data?.virtuals ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
            <option value="*">* (shared across virtual servers)</option>
          </select>
        </div>
        <div class="field">
          <label for="p-pool">Pool</label>
          <select id="p-pool" value={draft.pool} onChange={(e) => set('pool', e.currentTarget.value)}>
            <option value="">any</option>
            {(names.data?.pools ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="p-key">Key</label>
          <input id="p-key" type="text" value={draft.key} placeholder="exact key, e.g. 10.1.2.0" onInput={(e) => set('key', e.currentTarget.value)} />
        </div>
        <div class="actions left">
          <button type="submit" class="primary">
            Show records
          </button>
          <button type="button" onClick={() => records.reload()}>
            Refresh
          </button>
        </div>
      </form>
      {!writable && <p class="muted read-only-note">Read-only for your role.</p>}
      <ActionStatus state={clear.state} />
      {records.loading && !records.data && <Loading what="persistence records" />}
      {records.error !== undefined && <ErrorBox error={records.error} retry={records.reload} />}
      {records.data && (
        <>
          <div class="page-head">
            <p class="muted" data-count={records.data.length}>
              {records.data.length} record(s){filtered ? ` matching ${describeFilters(applied)}` : ' in all'}.
            </p>
            {writable && (
              <button type="button" class="danger" data-mutates disabled={records.data.length === 0} onClick={() => setClearing(true)}>
                {filtered ? 'Clear matching records' : 'Clear all records'}
              </button>
            )}
          </div>
          <div class="table-wrap">
            <table class="objects" aria-label="Persistence records">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Member</th>
                  <th scope="col">Pool</th>
                  <th scope="col">Virtual server</th>
                  <th scope="col">Profile</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {records.data.length === 0 && (
                  <tr>
                    <td colSpan={7} class="muted">
                      No persistence records{filtered ? ' match these filters' : ''}.
                    </td>
                  </tr>
                )}
                {records.data.map((r) => (
                  <tr key={`${r.virtual}|${r.pool}|${r.profile}|${r.key}`}>
                    <th scope="row">
                      <code>{r.key}</code>
                    </th>
                    <td>
                      <code>{r.member}</code>
                    </td>
                    <td>{r.pool}</td>
                    <td>{r.virtual}</td>
                    <td>
                      {r.profile} <span class="muted">({r.method})</span>
                    </td>
                    <td>{formatTime(r.created)}</td>
                    <td>{formatTime(r.expires)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {clearing && (
        <Confirm
          title="Clear persistence records?"
          message={<p>{filtered ? `The records matching ${describeFilters(applied)} are removed.` : 'Every persistence record is removed.'} Their clients are balanced afresh on their next connection.</p>}
          confirmLabel="Clear records"
          danger
          onClose={() => setClearing(false)}
          onConfirm={() => void doClear()}
        />
      )}
    </section>
  );
}
