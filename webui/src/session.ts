import { api, onUnauthorized, request, setCsrfToken } from './api';
import type { LoginResponse, MeResponse, MeResponseRole } from './generated/openapi';
import { Store } from './store';

export type Role = MeResponseRole;

export type Session = MeResponse;

/** null: signed out; undefined: not known yet (checking at start). */
export const session = new Store<Session | null | undefined>(undefined);
export const sessionEndedNotice = new Store<string | null>(null);

onUnauthorized(() => {
  if (session.get()) {
    sessionEndedNotice.set('Your session has ended. Log in again.');
    setSession(null);
  }
});

function setSession(s: Session | null) {
  setCsrfToken(s?.csrfToken ?? null);
  session.set(s);
}

export async function restoreSession() {
  try {
    const me = await request<Session>('/api/v1/auth/me', { quiet401: true });
    setSession(me);
  } catch {
    setSession(null);
  }
}

export async function login(username: string, password: string) {
  const r = await request<LoginResponse>('/api/v1/auth/login', {
    method: 'POST',
    body: { username, password },
    quiet401: true,
  });
  sessionEndedNotice.set(null);
  setSession({ user: r.user, role: r.role, authMethod: 'cookie', csrfToken: r.csrfToken });
}

export async function logout() {
  try {
    await api.post('/api/v1/auth/logout');
  } finally {
    setSession(null);
  }
}

/** Kinds (API paths) an operator may change; an auditor changes nothing. Mirrors the appliance's Roles.CanWrite. */
const operatorKinds = new Set(['pools', 'rules', 'datagroups']);

export function canWrite(role: Role | undefined, kind: string): boolean {
  if (role === 'admin') return true;
  if (role === 'operator') return operatorKinds.has(kind);
  return false;
}

export const isAdmin = (role: Role | undefined) => role === 'admin';
