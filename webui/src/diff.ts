// A structural diff of two configurations, computed in the browser when the appliance has no diff endpoint.
// Arrays of named objects are matched by name, so a change shows as `pools/web/members/1/port`, not as a shifted list.

export interface Change {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const named = (v: unknown[]) => v.length > 0 && v.every((x) => isObj(x) && typeof x.name === 'string');

export function diffJson(before: unknown, after: unknown, path = ''): Change[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === undefined) return [{ path, op: 'added', after }];
  if (after === undefined) return [{ path, op: 'removed', before }];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], path ? `${path}/${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (named([...before, ...after])) {
      const b = new Map(before.map((x) => [(x as { name: string }).name, x]));
      const a = new Map(after.map((x) => [(x as { name: string }).name, x]));
      const names = [...new Set([...b.keys(), ...a.keys()])].sort();
      return names.flatMap((n) => diffJson(b.get(n), a.get(n), `${path}/${n}`));
    }
    if (before.every((x) => !isObj(x) && !Array.isArray(x)) && after.every((x) => !isObj(x) && !Array.isArray(x))) {
      return [{ path, op: 'changed', before, after }];
    }
    const n = Math.max(before.length, after.length);
    const out: Change[] = [];
    for (let i = 0; i < n; i++) out.push(...diffJson(before[i], after[i], `${path}/${i}`));
    return out;
  }
  return [{ path, op: 'changed', before, after }];
}
