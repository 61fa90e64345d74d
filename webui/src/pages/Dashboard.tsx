import { Badge, ErrorBox, formatBytes, formatTime, Link, Loading, Sparkline } from '../components';
import { MemberHealth, memberKey } from '../health';
import { canWrite, session } from '../session';
import { live, type ApplianceStatus } from '../status';
import { useStore } from '../store';

export function Dashboard() {
  const state = useStore(live);
  const s = useStore(session);
  const canResume = canWrite(s?.role, 'pools');
  const status = state.status;
  return (
    <section aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">Dashboard</h1>
        <p class={`live ${state.connected ? 'on' : 'off'}`} role="status" aria-live="polite">
          <span class="dot" aria-hidden="true" /> {state.connected ? `Live · generation ${status?.generation ?? ''}` : state.error ? `Not live: ${state.error}` : 'Connecting…'}
        </p>
      </div>
      {!status && !state.error && <Loading what="live status" />}
      {!status && state.error && <ErrorBox error={new Error(state.error)} />}
      {status && (
        <>
          <h2>Virtual servers</h2>
          {status.virtuals.length === 0 && <p class="muted">No virtual servers yet.</p>}
          <div class="cards">
            {status.virtuals.map((v) => {
              const h = state.history[v.name] ?? [];
              const last = h[h.length - 1];
              return (
                <article class="card" key={v.name} aria-label={`Virtual server ${v.name}`} data-virtual={v.name}>
                  <header>
                    <h3>{v.name}</h3>
                    <Badge kind={v.state === 'listening' ? 'up' : v.state === 'error' ? 'down' : v.state === 'disabled' ? 'disabled' : 'unchecked'} title={v.error ?? undefined}>
                      {v.state}
                    </Badge>
                  </header>
                  <p>
                    <code>{v.destination}</code>
                    {v.error && <span class="error-text"> — {v.error}</span>}
                  </p>
                  <dl class="stats">
                    <div>
                      <dt>Connections</dt>
                      <dd data-stat="connections">{v.currentConnections}</dd>
                    </div>
                    <div>
                      <dt>Requests/s</dt>
                      <dd data-stat="rps">{(last?.rps ?? 0).toFixed(1)}</dd>
                    </div>
                    <div>
                      <dt>Bytes in / out</dt>
                      <dd data-stat="bytes">
                        {formatBytes(v.bytesIn)} / {formatBytes(v.bytesOut)}
                      </dd>
                    </div>
                    <div>
                      <dt>Throughput</dt>
                      <dd>{formatBytes(last?.bps ?? 0)}/s</dd>
                    </div>
                  </dl>
                  <Sparkline values={h.map((x) => x.rps)} width={260} height={36} label={`Requests per second for ${v.name} over the last ${Math.round(h.length / 60) || 1} minute(s)`} />
                </article>
              );
            })}
          </div>
          <CertificateExpiry certificates={status.certificates ?? []} />
          <h2>Pools and members</h2>
          {status.pools.length === 0 && <p class="muted">No pools yet.</p>}
          <div class="table-wrap">
            <table class="objects status-table" aria-label="Pools and members">
              <thead>
                <tr>
                  <th scope="col">Pool / member</th>
                  <th scope="col">State</th>
                  <th scope="col">Connections</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              {status.pools.map((p) => (
                <tbody key={p.name} data-pool={p.name}>
                  <tr class="pool-row">
                    <th scope="row">{p.name}</th>
                    <td>
                      {p.activeMembers} of {p.members.length} active
                    </td>
                    <td class="num" data-label="connections">{p.members.reduce((a, m) => a + m.currentConnections, 0)}</td>
                    <td class="num" data-label="total">{p.members.reduce((a, m) => a + m.totalConnections, 0)}</td>
                  </tr>
                  {p.members.map((m) => {
                    const key = memberKey(m.address, m.port);
                    return (
                      <tr key={key} class="member-row" data-member={key}>
                        <td class="indent">
                          <code>{key}</code>
                        </td>
                        <td class="state">
                          <MemberHealth pool={p.name} m={m} now={status.time} canResume={canResume} />
                        </td>
                        <td class="num" data-label="connections">{m.currentConnections}</td>
                        <td class="num" data-label="total">{m.totalConnections}</td>
                      </tr>
                    );
                  })}
                </tbody>
              ))}
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Certificates ending within 30 days (or already expired); the rest are summed up in one line. */
function CertificateExpiry({ certificates }: { certificates: NonNullable<ApplianceStatus['certificates']> }) {
  if (certificates.length === 0) return null;
  const expiring = certificates.filter((c) => c.expiring).sort((a, b) => a.daysLeft - b.daysLeft);
  return (
    <>
      <h2>Certificates</h2>
      {expiring.length === 0 && <p class="muted" data-certificates="ok">{certificates.length} certificate(s), none expiring within 30 days.</p>}
      {expiring.length > 0 && (
        <ul class="cert-expiry" aria-label="Certificates expiring within 30 days">
          {expiring.map((c) => (
            <li key={c.name} data-certificate={c.name}>
              <Link href="/certificates">{c.name}</Link>{' '}
              <Badge kind={c.daysLeft < 0 ? 'down' : 'warn'}>{c.daysLeft < 0 ? 'expired' : `${c.daysLeft} days left`}</Badge>{' '}
              <span class="muted">notAfter {formatTime(c.notAfter)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
