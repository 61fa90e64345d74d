import { useEffect, useState } from 'preact/hooks';
import { Badge, Link, Loading, Notices } from './components';
import { ObjectPage, PoolMembersRow } from './crud';
import * as kinds from './kinds';
import { ConfigPage } from './pages/ConfigPage';
import { Dashboard } from './pages/Dashboard';
import { Login } from './pages/Login';
import { PersistencePage } from './pages/PersistencePage';
import { RuleEditor } from './pages/RuleEditor';
import { pathOf, queryOf, route } from './router';
import { logout, restoreSession, session, type Role } from './session';
import { startStatusStream, stopStatusStream } from './status';
import { useStore } from './store';

kinds.poolKind.rowDetail = (o, ctx) => <PoolMembersRow pool={o} canWrite={ctx.canWrite} reload={ctx.reload} />;

interface NavItem {
  href: string;
  label: string;
  roles?: Role[];
}

const nav: NavItem[] = [
  { href: '/', label: 'Dashboard' },
  { href: '/virtuals', label: 'Virtual servers' },
  { href: '/pools', label: 'Pools' },
  { href: '/nodes', label: 'Nodes' },
  { href: '/monitors', label: 'Monitors' },
  { href: '/profiles', label: 'Profiles' },
  { href: '/certificates', label: 'Certificates' },
  { href: '/rules', label: 'Rules' },
  { href: '/datagroups', label: 'Data groups' },
  { href: '/wideips', label: 'Wide IPs' },
  { href: '/persistence', label: 'Persistence' },
  { href: '/config', label: 'Configuration' },
  { href: '/users', label: 'Users', roles: ['admin', 'auditor'] },
];

export function App() {
  const s = useStore(session);
  useEffect(() => {
    void restoreSession();
  }, []);
  useEffect(() => {
    if (s) startStatusStream();
    else stopStatusStream();
  }, [s?.user]);
  if (s === undefined) return <Loading what="the console" />;
  if (s === null) return <Login />;
  return <Shell />;
}

function Shell() {
  const s = useStore(session)!;
  const r = useStore(route);
  const path = pathOf(r);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  useEffect(() => {
    const title = nav.find((n) => active(n.href, path))?.label;
    document.title = title ? `${title} · Fulcrum` : 'Fulcrum';
  }, [path]);
  const items = nav.filter((n) => !n.roles || n.roles.includes(s.role));
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href="/" class="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Fulcrum</span>
        </Link>
        <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <div class="who">
          <span class="user" data-user={s.user}>
            {s.user}
          </span>{' '}
          <Badge kind="role">
            <span data-role={s.role}>{s.role}</span>
          </Badge>
          {s.role === 'auditor' && <span class="muted ro"> read-only</span>}
          <button type="button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <nav id="nav" class={`sidenav ${menuOpen ? 'open' : ''}`} aria-label="Main">
        <ul>
          {items.map((n) => (
            <li key={n.href}>
              <Link href={n.href} aria-current={active(n.href, path) ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Notices />
        <Page path={path} query={queryOf(r)} role={s.role} />
      </main>
    </div>
  );
}

function active(href: string, path: string) {
  return href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
}

function Page(props: { path: string; query: URLSearchParams; role: Role }) {
  const p = props.path.replace(/\/+$/, '') || '/';
  const seg = p.split('/').filter(Boolean).map(decodeURIComponent);
  switch (seg[0]) {
    case undefined:
      return <Dashboard />;
    case 'virtuals':
      return <ObjectPage spec={kinds.virtuals} />;
    case 'pools':
      return <ObjectPage spec={kinds.pools} />;
    case 'nodes':
      return <ObjectPage spec={kinds.nodes} />;
    case 'monitors':
      return <ObjectPage spec={kinds.monitors} />;
    case 'profiles':
      return <ProfilesPage kind={seg[1] ?? 'tcp'} />;
    case 'certificates':
      return <ObjectPage spec={kinds.certificates} intro={<p class="muted">Upload a certificate as PEM with its key, or as a PKCS#12 file. The private key is stored encrypted and never shown again.</p>} />;
    case 'datagroups':
      return <ObjectPage spec={kinds.datagroups} />;
    case 'wideips':
      return <ObjectPage spec={kinds.wideips} intro={<p class="muted">Names that dns virtual servers answer from the members of these pools that are up (docs/DNS.md).</p>} />;
    case 'rules':
      if (seg.length > 1) return <RuleEditor key={seg[1]} name={seg[1]} />;
      if (props.query.get('new')) return <RuleEditor key="new" name={null} />;
      return <ObjectPage spec={kinds.rules} />;
    case 'persistence':
      return <PersistencePage />;
    case 'config':
      return <ConfigPage />;
    case 'users':
      return <ObjectPage spec={kinds.users} />;
    default:
      return (
        <section>
          <h1 id="page-title">Not found</h1>
          <p>
            There is no page at <code>{props.path}</code>. <Link href="/">Go to the dashboard</Link>.
          </p>
        </section>
      );
  }
}

function ProfilesPage(props: { kind: string }) {
  const spec = kinds.profileKinds.find((k) => k.kind === `profiles/${props.kind}`) ?? kinds.profileKinds[0];
  return (
    <div>
      <nav class="tabs" aria-label="Profile kinds">
        {kinds.profileKinds.map((k) => {
          const short = k.kind.slice('profiles/'.length);
          return (
            <Link key={k.kind} href={`/profiles/${short}`} aria-current={k === spec ? 'page' : undefined}>
              {short}
            </Link>
          );
        })}
      </nav>
      <ObjectPage key={spec.kind} spec={spec} />
    </div>
  );
}
