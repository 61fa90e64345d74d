import { describe } from './api';
import { Store } from './store';

export interface Notice {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
  /** What the notice is about: a newer notice with the same key replaces it. */
  key: string;
}

export const notices = new Store<Notice[]>([]);
let nextId = 1;

/**
 * Shows a notice. One with the same key (by default: the same kind and text) replaces the earlier one, so doing the
 * same thing twice within a notice's lifetime shows one fresh notice, never a stale copy beside it.
 */
export function notify(kind: Notice['kind'], text: string, key = `${kind}:${text}`) {
  const n = { id: nextId++, kind, text, key };
  notices.set([...notices.get().filter((o) => o.key !== key), n].slice(-5));
  if (kind !== 'error') setTimeout(() => dismiss(n.id), 6000);
}

export function notifyError(what: string, e: unknown) {
  notify('error', `${what}: ${describe(e)}`);
}

export function dismiss(id: number) {
  notices.set(notices.get().filter((n) => n.id !== id));
}

/** Removes the notice with this key: an action that starts again withdraws the outcome of its previous run. */
export function withdraw(key: string) {
  if (notices.get().some((n) => n.key === key)) notices.set(notices.get().filter((n) => n.key !== key));
}
