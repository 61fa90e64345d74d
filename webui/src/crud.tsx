import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, enc } from './api';
import { ActionStatus, Badge, Confirm, Dialog, ErrorBox, Link, Loading, useAction } from './components';
import { compact, Field, FieldErrors, mapErrors, type FieldSpec, type FormContext, type Obj } from './forms';
import { memberStates, parseRecords, type KindSpec } from './kinds';
import { notify, notifyError } from './notices';
import { navigate } from './router';
import { MemberHealth, memberKey } from './health';
import type { ConfigView, Pool, PoolMember, PoolMemberState } from './generated/openapi';
import { canWrite, session } from './session';
import { live } from './status';
import { useStore } from './store';

/** Names of other objects offered as choices in forms, from the current config. */
export async function loadFormContext(): Promise<FormContext> {
  const c = (await api.get<ConfigView>('/api/v1/config')).config;
  const namesOf = (xs?: { name: string }[]) => (xs ?? []).map((x) => x.name);
  const profiles = c.profiles ?? {};
  return {
    pools: namesOf(c.pools),
    monitors: namesOf(c.monitors),
    rules: namesOf(c.rules),
    certificates: namesOf(c.certificates),
    profiles: Object.values(profiles).flatMap(namesOf),
    persistence: namesOf(profiles.persistence),
    tcpProfiles: namesOf(profiles.tcp),
    wideips: namesOf(c.wideIps),
  };
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [tick, ...deps]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

type Editing = { mode: 'create' | 'edit' | 'view'; value: Obj; original?: Obj } | null;

export function ObjectPage(props: { spec: KindSpec; intro?: ComponentChildren }) {
  const { spec } = props;
  const s = useStore(session);
  const writable = canWrite(s?.role, spec.writeKind);
  const list = useLoad(() => api.get<Obj[]>(`/api/v1/${spec.kind}`), [spec.kind]);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const del = useAction();
  const keyOf = spec.keyOf ?? ((o: Obj) => String(o.name));
  const isBuiltIn = (n: string) => spec.builtIns?.includes(n) ?? false;

  const open = (mode: 'create' | 'edit' | 'view', o?: Obj) => {
    if (spec.editPage && mode !== 'create') return navigate(spec.editPage(keyOf(o!)));
    if (spec.editPage) return navigate(spec.editPage('') + '?new=1');
    const base = o ? stripView(spec, o) : spec.defaults();
    const value = spec.toForm ? spec.toForm(base) : base;
    setEditing({ mode, value: mode === 'create' && o ? { ...value, name: `${String(o.name)}-copy` } : value, original: o });
  };

  async function remove(n: string) {
    setDeleting(null);
    await del.run(`Deleting ${spec.singular} '${n}'`, () => api.del(`/api/v1/${spec.kind}/${enc(n)}`), () => `Deleted ${spec.singular} '${n}'`);
    list.reload();
  }

  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{spec.title}</h1>
        {writable && (
          <button type="button" class="primary" data-mutates onClick={() => open('create')}>
            New {spec.singular}
          </button>
        )}
      </div>
      {props.intro}
      {!writable && <p class="muted read-only-note">Read-only for your role.</p>}
      <ActionStatus state={del.state} />
      {list.loading && !list.data && <Loading what={spec.title.toLowerCase()} />}
      {list.error !== undefined && <ErrorBox error={list.error} retry={list.reload} />}
      {list.data && (
        <div class="table-wrap">
          <table class="objects" aria-label={spec.title}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                {spec.columns.map((c) => (
                  <th scope="col" key={c.label}>
                    {c.label}
                  </th>
                ))}
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.length === 0 && (
                <tr>
                  <td colSpan={spec.columns.length + 2} class="muted">
                    No {spec.title.toLowerCase()} yet.
                  </td>
                </tr>
              )}
              {list.data.map((o) => {
                const n = keyOf(o);
                const builtIn = isBuiltIn(n);
                return [
                  <tr key={n}>
                    <th scope="row">
                      {spec.editPage ? <Link href={spec.editPage(n)}>{n}</Link> : n} {builtIn && <Badge kind="builtin">built-in</Badge>}
                    </th>
                    {spec.columns.map((c) => (
                      <td key={c.label}>{c.render(o)}</td>
                    ))}
                    <td class="row-actions">
                      {writable && !builtIn ? (
                        <button type="button" data-mutates onClick={() => open('edit', o)} aria-label={`Edit ${spec.singular} ${n}`}>
                          Edit
                        </button>
                      ) : (
                        <button type="button" onClick={() => open('view', o)} aria-label={`View ${spec.singular} ${n}`}>
                          View
                        </button>
                      )}
                      {writable && !spec.editPage && (
                        <button type="button" data-mutates onClick={() => open('create', o)} aria-label={`Copy ${spec.singular} ${n}`}>
                          Copy
                        </button>
                      )}
                      {writable && !builtIn && (
                        <button type="button" class="danger" data-mutates onClick={() => setDeleting(n)} aria-label={`Delete ${spec.singular} ${n}`}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>,
                  spec.rowDetail ? (
                    <tr key={`${n}-detail`} class="detail-row">
                      <td colSpan={spec.columns.length + 2}>{spec.rowDetail(o, { canWrite: writable, reload: list.reload })}</td>
                    </tr>
                  ) : null,
                ];
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <ObjectDialog
          spec={spec}
          editing={editing}
          readOnly={editing.mode === 'view' || !writable}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            notify('ok', `Saved ${spec.singular} '${name}'`);
            list.reload();
          }}
        />
      )}
      {deleting && (
        <Confirm
          title={`Delete ${spec.singular} ${deleting}?`}
          message={<p>This makes a new configuration generation without '{deleting}'. It can be undone by rolling back.</p>}
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={() => void remove(deleting)}
        />
      )}
    </section>
  );
}

function stripView(spec: KindSpec, o: Obj): Obj {
  const copy = { ...o };
  for (const k of spec.viewOnly ?? []) delete copy[k];
  return copy;
}

const memberFields: (keyof PoolMember)[] = ['address', 'port', 'ratio', 'priorityGroup', 'connectionLimit', 'state', 'description'];

/** Every field key an error may land on, including each member's fields. */
function fieldKeys(spec: KindSpec, value: Obj): string[] {
  const keys = spec.fields.map((f) => f.key);
  if (Array.isArray(value.members)) {
    value.members.forEach((_, i) => {
      for (const f of memberFields) keys.push(`members/${i}/${f}`);
    });
  }
  return keys;
}

function ObjectDialog(props: { spec: KindSpec; editing: NonNullable<Editing>; readOnly: boolean; onClose: () => void; onSaved: (name: string) => void }) {
  const { spec, editing, readOnly } = props;
  const [value, setValue] = useState<Obj>(editing.value);
  const [errors, setErrors] = useState<{ byField: Record<string, string[]>; general: { path: string; message: string }[] }>({ byField: {}, general: [] });
  const [ctx, setCtx] = useState<FormContext>({});
  const save = useAction();
  const creating = editing.mode === 'create';
  const name = creating ? String(value.name ?? '') : String(editing.value.name ?? '');

  useEffect(() => {
    loadFormContext().then(setCtx, (e) => notifyError('Loading choices for the form', e));
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    if (readOnly) return;
    setErrors({ byField: {}, general: [] });
    let body = spec.fromForm ? spec.fromForm(value) : { ...value };
    for (const k of spec.writeOnly ?? []) if (!creating && (body[k] === null || body[k] === undefined || body[k] === '')) delete body[k];
    const path = `/api/v1/${spec.kind}`;
    const result = await save.run(
      creating ? `Creating ${spec.singular} '${name}'` : `Saving ${spec.singular} '${name}'`,
      async () => {
        try {
          if (creating) return await api.post(path, compact(body));
          if (spec.patchOnEdit) {
            delete body.name;
            return await api.patch(`${path}/${enc(name)}`, compact(body));
          }
          return await api.put(`${path}/${enc(name)}`, body);
        } catch (err) {
          if (err instanceof ApiError && err.errors.length > 0) {
            setErrors(mapErrors(err.errors, [`${spec.kind}/${name}`, 'body', spec.kind], fieldKeys(spec, value)));
          }
          throw err;
        }
      },
    );
    if (result !== undefined) props.onSaved(name);
  }

  const title = creating ? `New ${spec.singular}` : `${readOnly ? 'View' : 'Edit'} ${spec.singular} ${name}`;
  const visible = spec.fields.filter((f) => (!f.createOnly || creating) && (!f.when || f.when(value)));
  return (
    <Dialog title={title} onClose={props.onClose} wide>
      <form onSubmit={submit} noValidate aria-describedby={errors.general.length ? 'form-errors' : undefined}>
        <fieldset disabled={readOnly || save.state.running !== null}>
          <legend class="sr-only">{title}</legend>
          <div class="form-grid">
            {visible.map((f) =>
              f.type === ('members' as FieldSpec['type']) ? (
                <MembersEditor key={f.key} value={value} onChange={setValue} errors={errors.byField} readOnly={readOnly} />
              ) : f.type === ('records' as FieldSpec['type']) ? (
                <RecordsEditor key={f.key} spec={f} value={value} onChange={setValue} errors={errors.byField[f.key]} />
              ) : (
                <Field key={f.key} spec={f} value={value} onChange={setValue} ctx={ctx} errors={errors.byField[f.key]} creating={creating} />
              ),
            )}
          </div>
        </fieldset>
        {errors.general.length > 0 && (
          <div id="form-errors" class="error-box" role="alert">
            <p>The appliance refused the change:</p>
            <ul>
              {errors.general.map((e) => (
                <li key={e.path + e.message}>
                  {e.path && <code>{e.path}</code>} {e.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <ActionStatus state={save.state} />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
          {!readOnly && (
            <button type="submit" class="primary" data-mutates disabled={save.state.running !== null}>
              {creating ? 'Create' : 'Save'}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

function MembersEditor(props: { value: Obj; onChange: (v: Obj) => void; errors: Record<string, string[]>; readOnly: boolean }) {
  const members = (Array.isArray(props.value.members) ? props.value.members : []) as Obj[];
  const set = (i: number, k: keyof PoolMember, v: unknown) => props.onChange({ ...props.value, members: members.map((m, j) => (j === i ? { ...m, [k]: v } : m)) });
  const fresh: PoolMember = { address: '', port: 80, ratio: 1, priorityGroup: 0, connectionLimit: 0, state: 'enabled' };
  const add = () => props.onChange({ ...props.value, members: [...members, fresh] });
  const remove = (i: number) => props.onChange({ ...props.value, members: members.filter((_, j) => j !== i) });
  const err = (i: number, k: keyof PoolMember) => props.errors[`members/${i}/${k}`];
  const cell = (i: number, k: keyof PoolMember, label: string, type: 'text' | 'number') => {
    const id = `m-${i}-${k}`;
    const e = err(i, k);
    return (
      <td>
        <input
          id={id}
          type={type as 'text'}
          aria-label={`Member ${i + 1} ${label}`}
          aria-invalid={e ? true : undefined}
          aria-describedby={e ? `${id}-errors` : undefined}
          value={members[i][k] === null || members[i][k] === undefined ? '' : String(members[i][k])}
          onInput={(ev) => set(i, k, type === 'number' ? (ev.currentTarget.value === '' ? null : Number(ev.currentTarget.value)) : ev.currentTarget.value)}
          class={type === 'number' ? 'num' : ''}
        />
        <FieldErrors id={`${id}-errors`} messages={e} />
      </td>
    );
  };
  return (
    <div class="field field-wide members-editor">
      <span class="label" id="members-label">
        Members
      </span>
      <FieldErrors id="members-errors" messages={props.errors.members} />
      <div class="table-wrap">
        <table aria-labelledby="members-label">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Port</th>
              <th scope="col">Ratio</th>
              <th scope="col">Priority group</th>
              <th scope="col">Connection limit</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No members.
                </td>
              </tr>
            )}
            {members.map((m, i) => (
              <tr key={i}>
                {cell(i, 'address', 'address', 'text')}
                {cell(i, 'port', 'port', 'number')}
                {cell(i, 'ratio', 'ratio', 'number')}
                {cell(i, 'priorityGroup', 'priority group', 'number')}
                {cell(i, 'connectionLimit', 'connection limit', 'number')}
                <td>
                  <select aria-label={`Member ${i + 1} state`} value={String(m.state ?? 'enabled')} onChange={(e) => set(i, 'state', e.currentTarget.value)}>
                    {memberStates.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                  <FieldErrors id={`m-${i}-state-errors`} messages={err(i, 'state')} />
                </td>
                <td>
                  {!props.readOnly && (
                    <button type="button" class="danger" data-mutates onClick={() => remove(i)} aria-label={`Remove member ${i + 1}`}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!props.readOnly && (
        <button type="button" data-mutates onClick={add}>
          Add member
        </button>
      )}
    </div>
  );
}

function RecordsEditor(props: { spec: FieldSpec; value: Obj; onChange: (v: Obj) => void; errors?: string[] }) {
  const text = typeof props.value.records === 'string' ? props.value.records : '';
  const parsed = parseRecords(text);
  return (
    <div class="field field-wide">
      <label for="f-records">Records</label>
      <textarea
        id="f-records"
        name="records"
        rows={props.spec.rows ?? 10}
        spellcheck={false}
        value={text}
        placeholder={'/admin\n/debug reason\n10.0.0.0/8=internal'}
        aria-describedby="f-records-help f-records-errors"
        aria-invalid={props.errors?.length ? true : undefined}
        onInput={(e) => props.onChange({ ...props.value, records: e.currentTarget.value })}
      />
      <small class="help" id="f-records-help">
        Paste many at once: one record per line, <code>key value</code> or <code>key=value</code> (value optional). {Object.keys(parsed.records).length} record(s).
      </small>
      <FieldErrors id="f-records-errors" messages={[...parsed.problems, ...(props.errors ?? [])]} />
    </div>
  );
}

/** Pool list rows show each member with quick state changes (one member PATCH each). */
export function PoolMembersRow(props: { pool: Pool; canWrite: boolean; reload: () => void }) {
  const members = props.pool.members ?? [];
  const act = useAction();
  const pool = props.pool.name;
  const keyOf = (m: PoolMember) => memberKey(m.address, m.port);
  // Health comes from the live status stream the console keeps open.
  const status = useStore(live).status;
  const health = status?.pools.find((p) => p.name === pool)?.members ?? [];
  async function change(m: PoolMember, state: PoolMemberState) {
    await act.run(`Setting ${keyOf(m)} ${state}`, () => api.patch(`/api/v1/pools/${enc(pool)}/members/${enc(keyOf(m))}`, { state }), () => `${keyOf(m)} is now ${state}`);
    props.reload();
  }
  async function remove(m: PoolMember) {
    await act.run(`Removing ${keyOf(m)}`, () => api.del(`/api/v1/pools/${enc(pool)}/members/${enc(keyOf(m))}`), () => `Removed ${keyOf(m)} from ${pool}`);
    props.reload();
  }
  if (members.length === 0) return <span class="muted">No members.</span>;
  return (
    <div>
      <ul class="member-list" aria-label={`Members of ${pool}`}>
        {members.map((m) => (
          <li key={keyOf(m)}>
            <code>{keyOf(m)}</code> <Badge kind={String(m.state)}>{String(m.state)}</Badge>{' '}
            {(() => {
              const h = health.find((x) => memberKey(x.address, x.port) === keyOf(m));
              return h ? <MemberHealth pool={pool} m={h} now={status?.time} canResume={props.canWrite} adminFirst={false} /> : null;
            })()}
            <span class="muted">
              ratio {String(m.ratio)}, priority group {String(m.priorityGroup)}
            </span>
            {props.canWrite && (
              <span class="member-actions">
                {m.state !== 'enabled' && (
                  <button type="button" data-mutates onClick={() => change(m, 'enabled')}>
                    Enable
                  </button>
                )}
                {m.state !== 'disabled' && (
                  <button type="button" data-mutates onClick={() => change(m, 'disabled')}>
                    Disable
                  </button>
                )}
                {m.state !== 'forced-offline' && (
                  <button type="button" data-mutates onClick={() => change(m, 'forced-offline')}>
                    Force offline
                  </button>
                )}
                <button type="button" class="danger" data-mutates onClick={() => remove(m)} aria-label={`Remove member ${keyOf(m)}`}>
                  Remove
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <ActionStatus state={act.state} />
    </div>
  );
}

