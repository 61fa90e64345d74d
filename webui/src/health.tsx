// A member's health as the monitors report it (GET /api/v1/status, docs/HEALTH.md): status with the monitor's
// reason and since when, and a Resume action for a member a manual-resume monitor holds down.
import { api, enc } from './api';
import { Badge, formatTime, useAction } from './components';
import { notify } from './notices';
import type { MemberStatus } from './status';

export const memberKey = (address: string, port: number) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

export const awaitingResume = (m: MemberStatus) => (m.monitors ?? []).some((x) => x.awaitingResume);

/** What the badge says. With `adminFirst`, an operator's state (forced offline, disabled) comes before health. */
export function memberState(m: MemberStatus, adminFirst = true): { kind: string; text: string; title?: string } {
  if (adminFirst && m.state === 'forced-offline') return { kind: 'forced-offline', text: 'forced offline', title: 'forced offline by an operator' };
  if (adminFirst && m.state === 'disabled') return { kind: 'disabled', text: 'disabled', title: 'disabled by an operator' };
  switch (m.status) {
    case 'up':
      return { kind: 'up', text: 'up' };
    case 'down':
      return { kind: 'down', text: 'down', title: m.reason ?? undefined };
    case 'disabled':
      return { kind: 'disabled', text: 'disabled', title: 'the monitor\'s receive-disable string matched: no new connections' };
    default:
      return { kind: 'unchecked', text: m.status || 'unchecked', title: m.monitors ? 'no monitor result yet' : 'no monitor governs this member' };
  }
}

/** "12:03:04 (5 min ago)", relative to the report's own time so the browser's clock does not matter. */
export function sinceText(since: string | null | undefined, now: string | undefined): string {
  if (!since) return '';
  const t = Date.parse(since);
  const n = now ? Date.parse(now) : Date.now();
  if (!Number.isFinite(t)) return since;
  const s = Math.max(0, Math.round((n - t) / 1000));
  const ago = s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : s < 86400 ? `${Math.floor(s / 3600)} h ago` : `${Math.floor(s / 86400)} d ago`;
  return `${formatTime(since)} (${ago})`;
}

/**
 * The member's badge, the reason, since when, and — for a member held down by a manual-resume monitor, to a role that
 * may change pools — a Resume button.
 */
export function MemberHealth(props: { pool: string; m: MemberStatus; now?: string; canResume: boolean; adminFirst?: boolean; onResumed?: () => void }) {
  const { m } = props;
  const adminFirst = props.adminFirst ?? true;
  const st = memberState(m, adminFirst);
  const key = memberKey(m.address, m.port);
  const held = awaitingResume(m);
  const act = useAction();
  // The health detail: an operator's state hides health in the badge, so say it beside it.
  const adminState = adminFirst && (m.state === 'forced-offline' || m.state === 'disabled');
  const detail = adminState ? `monitors: ${m.status}${m.reason ? ` — ${m.reason}` : ''}` : m.status === 'up' ? '' : m.reason ?? (m.monitors ? '' : 'no monitor');

  async function resume() {
    const r = await act.run(`Resuming ${key}`, () => api.post<{ resumed: boolean; status: string }>(`/api/v1/pools/${enc(props.pool)}/members/${enc(key)}/resume`));
    if (r) {
      notify('ok', r.resumed ? `Resumed ${key} in ${props.pool}: now ${r.status}` : `${key} was not held down: nothing to resume`);
      props.onResumed?.();
    }
  }

  return (
    <span class="health" data-status={m.status}>
      <Badge kind={st.kind} title={st.title}>
        {st.text}
      </Badge>
      {detail && (
        <span class="reason" data-reason>
          {detail}
        </span>
      )}
      {m.since && (
        <span class="since" data-since title={`status since ${m.since}; ${m.transitions ?? 0} change(s)`}>
          since {sinceText(m.since, props.now)}
        </span>
      )}
      {held && <span class="flag">awaiting manual resume</span>}
      {held && props.canResume && (
        <button type="button" class="small" data-mutates disabled={act.state.running !== null} onClick={() => void resume()} aria-label={`Resume member ${key} of ${props.pool}`}>
          Resume
        </button>
      )}
      {act.state.outcome && !act.state.outcome.ok && (
        <span class="error-text" role="alert">
          {act.state.outcome.text}
        </span>
      )}
    </span>
  );
}
