// The appliance's configuration diff (GET /api/v1/config/diff and bundle dry runs), shown object by object:
// added objects whole, changed objects field by field (old → new), a rule's source as unified-diff hunks, removed
// objects by name. The shape is appliance/Config/Diff/ (docs/BUNDLES.md).

export type { ConfigDiff, DiffHunk, FieldChange } from './generated/openapi';
import type { ConfigDiff, DiffHunk } from './generated/openapi';

export const isConfigDiff = (v: unknown): v is ConfigDiff =>
  !!v && typeof v === 'object' && ['added', 'changed', 'removed'].every((k) => Array.isArray((v as Record<string, unknown>)[k]));

/** A JSON value as it reads in a diff; a missing side (null) shows as a dash. */
function Value(props: { v: unknown; side: 'old' | 'new' }) {
  if (props.v === null || props.v === undefined) return <span class="muted" aria-label="none">—</span>;
  return <code class={props.side === 'old' ? 'before' : 'after'}>{JSON.stringify(props.v)}</code>;
}

/** Field paths are RFC 6901-escaped; show them as written (`records/~1admin` reads as `records//admin` otherwise). */
const fieldPath = (p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~');

export function Hunks(props: { hunks: DiffHunk[]; label: string }) {
  return (
    <div class="hunks" aria-label={props.label} role="group">
      {props.hunks.map((h, i) => (
        <pre class="hunk" key={i}>
          <span class="hunk-head">{`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`}</span>
          {'\n'}
          {h.lines.map((l, j) => {
            const c = l[0] === '+' ? 'add' : l[0] === '-' ? 'del' : 'ctx';
            return (
              <span key={j} class={`line ${c}`}>
                {l}
                {'\n'}
              </span>
            );
          })}
        </pre>
      ))}
    </div>
  );
}

export function DiffView(props: { diff: ConfigDiff; label?: string; emptyText?: string }) {
  const d = props.diff;
  const counts = d.counts ?? { added: d.added.length, changed: d.changed.length, removed: d.removed.length };
  if (d.added.length + d.changed.length + d.removed.length === 0) return <p class="diff-empty">{props.emptyText ?? 'No differences.'}</p>;
  return (
    <div class="diff-view">
      <p class="diff-counts" data-counts>
        <span class="c-added">{counts.added} added</span>, <span class="c-changed">{counts.changed} changed</span>, <span class="c-removed">{counts.removed} removed</span>
      </p>
      <div class="table-wrap">
        <table class="diff" aria-label={props.label ?? 'Differences'}>
          <thead>
            <tr>
              <th scope="col">Object</th>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          {d.added.map((a) => (
            <tbody key={`+${a.kind}/${a.name}`} class="diff-added" data-diff-object={`${a.kind}/${a.name}`} data-change="added">
              <tr>
                <th scope="row">
                  <span class="sign" aria-hidden="true">+</span> <code>{`${a.kind}/${a.name}`}</code> <span class="chg">added</span>
                </th>
                <td colSpan={3}>
                  <details>
                    <summary>The new object</summary>
                    <pre class="json">{JSON.stringify(a.object, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            </tbody>
          ))}
          {d.changed.map((c) => {
            const rows = Math.max(1, c.fields.length) + (c.sourceDiff ? 1 : 0);
            const head = (
              <th scope="rowgroup" rowSpan={rows}>
                <span class="sign" aria-hidden="true">~</span> <code>{`${c.kind}/${c.name}`}</code> <span class="chg">changed</span>
              </th>
            );
            return (
              <tbody key={`~${c.kind}/${c.name}`} class="diff-changed" data-diff-object={`${c.kind}/${c.name}`} data-change="changed">
                {c.fields.map((f, i) => (
                  <tr key={f.path} data-field={f.path}>
                    {i === 0 && head}
                    <td>
                      <code>{fieldPath(f.path)}</code>
                    </td>
                    <td>
                      <Value v={f.old} side="old" />
                    </td>
                    <td>
                      <span class="arrow" aria-hidden="true">
                        →{' '}
                      </span>
                      <Value v={f.new} side="new" />
                    </td>
                  </tr>
                ))}
                {c.sourceDiff && (
                  <tr data-field="source">
                    {c.fields.length === 0 && head}
                    <td>
                      <code>source</code>
                    </td>
                    <td colSpan={2}>
                      <Hunks hunks={c.sourceDiff} label={`Source changes of ${c.kind}/${c.name}`} />
                    </td>
                  </tr>
                )}
                {c.fields.length === 0 && !c.sourceDiff && (
                  <tr>
                    {head}
                    <td colSpan={3} class="muted">
                      changed
                    </td>
                  </tr>
                )}
              </tbody>
            );
          })}
          {d.removed.map((r) => (
            <tbody key={`-${r.kind}/${r.name}`} class="diff-removed" data-diff-object={`${r.kind}/${r.name}`} data-change="removed">
              <tr>
                <th scope="row">
                  <span class="sign" aria-hidden="true">−</span> <code>{`${r.kind}/${r.name}`}</code> <span class="chg">removed</span>
                </th>
                <td colSpan={3} class="muted">
                  The object is removed.
                </td>
              </tr>
            </tbody>
          ))}
        </table>
      </div>
    </div>
  );
}
