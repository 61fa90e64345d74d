import { describe } from './api';
import { Store } from './store';

export interface Notice {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export const notices = new Store<Notice[]>([]);
let nextId = 1;

export function notify(kind: Notice['kind'], text: string) {
  const n = { id: nextId++, kind, text };
  notices.set([...notices.get(), n].slice(-5));
  if (kind !== 'error') setTimeout(() => dismiss(n.id), 6000);
}

export function notifyError(what: string, e: unknown) {
  notify('error', `${what}: ${describe(e)}`);
}

export function dismiss(id: number) {
  notices.set(notices.get().filter((n) => n.id !== id));
}
