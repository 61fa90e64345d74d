import type { ComponentChildren } from 'preact';
import { Badge, formatTime } from './components';
import type { FieldSpec, FormContext, Obj } from './forms';
import {
  clientSslProfileClientCertificateValues,
  dataGroupTypeValues,
  httpProfileServerHeaderActionValues,
  monitorTypeValues,
  persistenceProfileCookieMethodValues,
  persistenceProfileCookieSameSiteValues,
  persistenceProfileMethodValues,
  poolLoadBalancingModeValues,
  poolMemberStateValues,
  poolServiceDownActionValues,
  tcpProfileProxyProtocolValues,
  userRoleValues,
  virtualServerForwardingValues,
  virtualServerSourceAddressTranslationValues,
  virtualServerTypeValues,
  wideIpMethodValues,
  wideIpTypeValues,
  type Certificate,
  type CertificateView,
  type ClientSslProfile,
  type DataGroup,
  type HttpProfile,
  type Monitor,
  type Node,
  type OneConnectProfile,
  type PersistenceProfile,
  type Pool,
  type Rule,
  type ServerSslProfile,
  type TcpProfile,
  type User,
  type VirtualServer,
  type WideIp,
} from './generated/openapi';

/**
 * Everything the generic list-and-form page needs to know about one kind of object. <T> is the kind's type generated
 * from the appliance's OpenAPI document (src/generated/openapi.ts): columns, fields, conditions and defaults are
 * checked against it. The pages see every kind as KindSpec<Obj> (see kind()).
 */
export interface KindSpec<T = Obj> {
  /** API path under /api/v1 (also the prefix of problem paths). */
  kind: string;
  title: string;
  singular: string;
  /** Write permission key (the kind as the appliance's roles know it). */
  writeKind: string;
  columns: { label: string; render: (o: T) => ComponentChildren }[];
  fields: FieldSpec<T>[];
  defaults: () => Partial<T>;
  builtIns?: string[];
  /** Fields the API shows but does not accept (certificate details); dropped before saving. */
  viewOnly?: (keyof T & string)[];
  /** Write-only fields kept unchanged when left empty on edit (a certificate's key, a user's password). */
  writeOnly?: (keyof T & string)[];
  /** Objects are edited on their own page (rules) instead of in a dialog. */
  editPage?: (name: string) => string;
  toForm?: (o: T) => Obj;
  fromForm?: (f: Obj) => Obj;
  /** Users are not config objects: edits are merge patches of a few fields. */
  patchOnEdit?: boolean;
  /** Extra per-row content under the row (pool members). */
  rowDetail?: (o: T, ctx: RowContext) => ComponentChildren;
  keyOf?: (o: T) => string;
}

/** A kind checked against its API type <T>, then seen by the generic pages as a form of fields. */
const kind = <T,>(spec: KindSpec<T>): KindSpec => spec as unknown as KindSpec;

export interface RowContext {
  canWrite: boolean;
  reload: () => void;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : '');
const names = (key: string) => (ctx: FormContext) => ctx[key] ?? [];

export const memberStates = poolMemberStateValues;

/** Every kind has a name and most a description. */
const name = { key: 'name', label: 'Name', type: 'text', required: true, createOnly: true, help: 'letters, digits, _ . -; cannot be changed later' } as const;
const description = { key: 'description', label: 'Description', type: 'text' } as const;

export const virtuals = kind<VirtualServer>({
  kind: 'virtuals',
  title: 'Virtual servers',
  singular: 'virtual server',
  writeKind: 'virtuals',
  columns: [
    { label: 'Destination', render: (o) => <code>{str(o.destination)}</code> },
    { label: 'Pool', render: (o) => str(o.pool) },
    { label: 'Profiles', render: (o) => list(o.profiles) },
    { label: 'Rules', render: (o) => list(o.rules) },
    { label: 'Enabled', render: (o) => (o.enabled ? <Badge kind="up">enabled</Badge> : <Badge kind="disabled">disabled</Badge>) },
  ],
  fields: [
    name,
    description,
    { key: 'destination', label: 'Destination', type: 'text', required: true, placeholder: '127.0.0.1:8000', help: 'ip:port; IPv6 as [::1]:443' },
    { key: 'type', label: 'Type', type: 'select', options: virtualServerTypeValues },
    { key: 'pool', label: 'Pool', type: 'select', optional: true, options: names('pools') },
    { key: 'profiles', label: 'Profiles (one per kind)', type: 'multi', options: names('profiles') },
    { key: 'clientSideTcp', label: 'Client-side TCP profile', type: 'select', optional: true, options: names('tcpProfiles'), help: 'empty: the tcp profile in Profiles' },
    { key: 'serverSideTcp', label: 'Server-side TCP profile', type: 'select', optional: true, options: names('tcpProfiles'), help: 'empty: the tcp profile in Profiles' },
    { key: 'rules', label: 'Rules, in the order they run', type: 'list', options: names('rules'), placeholder: 'rule-a, rule-b' },
    { key: 'persistence', label: 'Persistence', type: 'select', optional: true, options: names('persistence') },
    { key: 'fallbackPersistence', label: 'Fallback persistence', type: 'select', optional: true, options: names('persistence') },
    { key: 'sourceAddressTranslation', label: 'Source address translation', type: 'select', options: virtualServerSourceAddressTranslationValues },
    { key: 'snatPool', label: 'SNAT addresses', type: 'list', when: (v) => v.sourceAddressTranslation === 'snat' || v.forwarding === 'fullnat' },
    { key: 'forwarding', label: 'Packet forwarding', type: 'select', optional: true, options: virtualServerForwardingValues, help: 'empty: nat', when: (v) => v.type === 'performance-l4' },
    { key: 'clientInterface', label: 'Client interface', type: 'text', placeholder: 'eth0', when: (v) => v.type === 'performance-l4' },
    { key: 'serverInterface', label: 'Server interface', type: 'text', optional: true, help: 'empty: the client interface', when: (v) => v.type === 'performance-l4' },
    { key: 'connectionLimit', label: 'Connection limit (0 = none)', type: 'number' },
    { key: 'wideIps', label: 'Wide IPs', type: 'multi', options: names('wideips'), when: (v) => v.type === 'dns', help: 'a dns virtual takes no profiles, no pool, and sourceAddressTranslation none' },
    { key: 'responseRateLimit', label: 'Response rate limit (UDP responses per second per /24; 0 = off, empty = 200)', type: 'number', when: (v) => v.type === 'dns' },
    { key: 'enabled', label: 'Enabled', type: 'bool' },
  ],
  defaults: () => ({ type: 'standard', profiles: ['tcp'], rules: [], sourceAddressTranslation: 'automap', connectionLimit: 0, enabled: true }),
});

/** Pools, typed: the app adds the member rows (rowDetail) here. */
export const poolKind: KindSpec<Pool> = {
  kind: 'pools',
  title: 'Pools',
  singular: 'pool',
  writeKind: 'pools',
  columns: [
    { label: 'Method', render: (o) => str(o.loadBalancingMode) },
    { label: 'Monitors', render: (o) => list(o.monitors) },
    { label: 'Members', render: (o) => String(o.members?.length ?? 0) },
  ],
  fields: [
    name,
    description,
    { key: 'loadBalancingMode', label: 'Load-balancing method', type: 'select', options: poolLoadBalancingModeValues },
    { key: 'monitors', label: 'Monitors', type: 'multi', options: names('monitors') },
    { key: 'monitorMinUp', label: 'Monitors that must pass (0 = all)', type: 'number' },
    { key: 'minActiveMembers', label: 'Priority-group activation: min active members (0 = off)', type: 'number' },
    { key: 'slowRampTime', label: 'Slow ramp time (s)', type: 'number' },
    { key: 'serviceDownAction', label: 'Action on service down', type: 'select', options: poolServiceDownActionValues },
    { key: 'reselectTries', label: 'Reselect tries', type: 'number' },
    { key: 'redispatch', label: 'Redispatch: a persisted member that refuses goes to another', type: 'bool' },
    { key: 'hashKey', label: 'Hash key', type: 'text', placeholder: 'source-address, header:NAME, cookie:NAME, uri, rule', when: (v) => v.loadBalancingMode === 'consistent-hash' || v.loadBalancingMode === 'source-hash' },
    { key: 'members', label: 'Members', type: 'members' as FieldSpec['type'] },
  ],
  defaults: () => ({ loadBalancingMode: 'round-robin', monitors: [], monitorMinUp: 0, minActiveMembers: 0, slowRampTime: 0, serviceDownAction: 'none', reselectTries: 0, redispatch: true, members: [] }),
};
export const pools = kind(poolKind);

export const nodes = kind<Node>({
  kind: 'nodes',
  title: 'Nodes',
  singular: 'node',
  writeKind: 'nodes',
  columns: [
    { label: 'Address', render: (o) => <code>{str(o.address)}</code> },
    { label: 'Monitors', render: (o) => list(o.monitors) },
    { label: 'State', render: (o) => <Badge kind={str(o.state)}>{str(o.state)}</Badge> },
  ],
  fields: [
    name,
    description,
    { key: 'address', label: 'Address', type: 'text', required: true, placeholder: '10.0.0.1' },
    { key: 'monitors', label: 'Monitors', type: 'multi', options: names('monitors') },
    { key: 'connectionLimit', label: 'Connection limit (0 = none)', type: 'number' },
    { key: 'ratio', label: 'Ratio', type: 'number' },
    { key: 'state', label: 'State', type: 'select', options: memberStates },
  ],
  defaults: () => ({ monitors: [], connectionLimit: 0, ratio: 1, state: 'enabled' }),
});

export const monitors = kind<Monitor>({
  kind: 'monitors',
  title: 'Monitors',
  singular: 'monitor',
  writeKind: 'monitors',
  builtIns: ['tcp', 'tcp-half-open', 'http', 'https', 'icmp'],
  columns: [
    { label: 'Type', render: (o) => str(o.type) },
    { label: 'Interval / timeout', render: (o) => `${str(o.interval)} s / ${str(o.timeout)} s` },
    { label: 'Receive', render: (o) => <code>{str(o.receive)}</code> },
  ],
  fields: [
    name,
    description,
    { key: 'type', label: 'Type', type: 'select', required: true, options: monitorTypeValues },
    { key: 'interval', label: 'Interval (s)', type: 'number' },
    { key: 'timeout', label: 'Timeout (s)', type: 'number' },
    { key: 'upInterval', label: 'Up interval (s, 0 = interval)', type: 'number' },
    { key: 'timeUntilUp', label: 'Time until up (s)', type: 'number' },
    { key: 'manualResume', label: 'Manual resume', type: 'bool' },
    { key: 'send', label: 'Send string', type: 'textarea', rows: 2, placeholder: 'GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n' },
    { key: 'receive', label: 'Receive (regular expression)', type: 'text' },
    { key: 'receiveDisable', label: 'Receive disable (regular expression)', type: 'text' },
    { key: 'expectedStatusCodes', label: 'Expected status codes', type: 'numlist', placeholder: '200, 301', when: (v) => v.type === 'http' || v.type === 'https' },
    { key: 'destination', label: 'Alias destination', type: 'text', placeholder: '*:*' },
    { key: 'program', label: 'Program', type: 'text', when: (v) => v.type === 'external' },
    { key: 'arguments', label: 'Arguments', type: 'list', when: (v) => v.type === 'external' },
  ],
  defaults: () => ({ type: 'tcp', interval: 5, timeout: 16, upInterval: 0, timeUntilUp: 0, manualResume: false, destination: '*:*' }),
});

const profileCommon = [name, description] as const;

export const profileKinds: KindSpec[] = [
  kind<TcpProfile>({
    kind: 'profiles/tcp', title: 'TCP profiles', singular: 'tcp profile', writeKind: 'profiles/tcp',
    builtIns: ['tcp', 'tcp-lan-optimized', 'tcp-wan-optimized', 'tcp-mobile-optimized', 'tcp-progressive'],
    columns: [
      { label: 'Connect / idle timeout', render: (o) => `${str(o.connectTimeout)} s / ${str(o.idleTimeout)} s` },
      { label: 'Nagle off', render: (o) => (o.noDelay ? 'yes' : 'no') },
      { label: 'Congestion control', render: (o) => str(o.congestionControl ?? 'kernel default') },
    ],
    fields: [...profileCommon,
      { key: 'connectTimeout', label: 'Connect timeout (s)', type: 'number' },
      { key: 'idleTimeout', label: 'Idle timeout (s, 0 = none)', type: 'number' },
      { key: 'resetOnTimeout', label: 'Reset on idle timeout (else FIN)', type: 'bool' },
      { key: 'collectTimeout', label: 'Rule collect timeout (s, 0 = idle timeout)', type: 'number' },
      { key: 'noDelay', label: 'No delay (Nagle off)', type: 'bool' },
      { key: 'quickAck', label: 'Quick ACK (no delayed ACKs)', type: 'bool' },
      { key: 'sendBufferSize', label: 'Send buffer (bytes, 0 = autotuning)', type: 'number' },
      { key: 'receiveBufferSize', label: 'Receive buffer (bytes, 0 = autotuning)', type: 'number' },
      { key: 'keepAliveTime', label: 'Keep-alive idle time (s, 0 = off)', type: 'number' },
      { key: 'keepAliveInterval', label: 'Keep-alive probe interval (s)', type: 'number' },
      { key: 'keepAliveProbes', label: 'Keep-alive probes', type: 'number' },
      { key: 'congestionControl', label: 'Congestion control (empty = kernel default)', type: 'text', optional: true, help: 'one of the names in Status → data plane → available congestion control' },
      { key: 'notSentLowat', label: 'Not-sent low-water mark (bytes, 0 = kernel)', type: 'number' },
      { key: 'userTimeout', label: 'User timeout (s, 0 = kernel)', type: 'number' },
      { key: 'zeroWindowTimeout', label: 'Zero-window timeout (s, 0 = off)', type: 'number' },
      { key: 'maxSegmentSize', label: 'MSS clamp (bytes, 0 = from MTU)', type: 'number' },
      { key: 'fastOpen', label: 'TCP Fast Open', type: 'bool' },
      { key: 'deferAccept', label: 'Defer accept (s, 0 = off)', type: 'number' },
      { key: 'lingerTimeout', label: 'Linger on close (-1 kernel, 0 reset, 1–120 s FIN_WAIT2)', type: 'number' },
      { key: 'synBacklog', label: 'SYN backlog', type: 'number' },
      { key: 'proxyBufferHigh', label: 'Proxy buffer high (bytes)', type: 'number' },
      { key: 'proxyBufferLow', label: 'Proxy buffer low (bytes)', type: 'number' },
      { key: 'proxyProtocol', label: 'PROXY protocol to members', type: 'select', options: tcpProfileProxyProtocolValues },
      { key: 'acceptProxyProtocolFrom', label: 'Accept PROXY protocol from (CIDR)', type: 'list' },
    ],
    defaults: () => ({
      connectTimeout: 5, idleTimeout: 300, resetOnTimeout: true, collectTimeout: 5, noDelay: true, quickAck: false, sendBufferSize: 0, receiveBufferSize: 0,
      keepAliveTime: 1800, keepAliveInterval: 75, keepAliveProbes: 9, notSentLowat: 0, userTimeout: 0, zeroWindowTimeout: 0, maxSegmentSize: 0,
      fastOpen: false, deferAccept: 0, lingerTimeout: -1, synBacklog: 4096, proxyBufferHigh: 131072, proxyBufferLow: 98304, proxyProtocol: 'none',
    }),
  }),

  kind<HttpProfile>({
    kind: 'profiles/http', title: 'HTTP profiles', singular: 'http profile', writeKind: 'profiles/http', builtIns: ['http'],
    columns: [
      { label: 'X-Forwarded-For', render: (o) => (o.insertXForwardedFor ? 'insert' : 'no') },
      { label: 'Server header', render: (o) => str(o.serverHeaderAction) },
    ],
    fields: [...profileCommon,
      { key: 'insertXForwardedFor', label: 'Insert X-Forwarded-For', type: 'bool' },
      { key: 'insertXForwardedProto', label: 'Insert X-Forwarded-Proto', type: 'bool' },
      { key: 'insertVia', label: 'Insert Via', type: 'bool' },
      { key: 'allowConnect', label: 'Allow CONNECT (tunnels through members)', type: 'bool' },
      { key: 'trustedXForwardedFor', label: 'Trusted X-Forwarded-For sources (CIDR)', type: 'list' },
      { key: 'serverHeaderAction', label: 'Server header', type: 'select', options: httpProfileServerHeaderActionValues },
      { key: 'serverHeaderValue', label: 'Server header value', type: 'text', when: (v) => v.serverHeaderAction === 'replace' },
      { key: 'maxRequestLineBytes', label: 'Max request line (bytes)', type: 'number' },
      { key: 'maxHeaderBytes', label: 'Max header block (bytes)', type: 'number' },
      { key: 'maxHeaderCount', label: 'Max header count', type: 'number' },
      { key: 'headerTimeout', label: 'Header timeout (s)', type: 'number' },
      { key: 'keepAliveTimeout', label: 'Keep-alive timeout (s)', type: 'number' },
      { key: 'maxRequests', label: 'Max requests per connection (0 = none)', type: 'number' },
      { key: 'ruleErrorStatus', label: 'Status on rule error (0 = reset)', type: 'number' },
    ],
    defaults: () => ({ serverHeaderAction: 'pass', maxRequestLineBytes: 8192, maxHeaderBytes: 32768, maxHeaderCount: 100, headerTimeout: 10, keepAliveTimeout: 60, maxRequests: 0, ruleErrorStatus: 500 }),
  }),

  kind<ClientSslProfile>({
    kind: 'profiles/client-ssl', title: 'Client SSL profiles', singular: 'client-ssl profile', writeKind: 'profiles/client-ssl', builtIns: ['client-ssl'],
    columns: [
      { label: 'Certificate', render: (o) => str(o.certificate) },
      { label: 'Protocols', render: (o) => list(o.protocols) },
    ],
    fields: [...profileCommon,
      { key: 'certificate', label: 'Certificate', type: 'select', optional: true, options: names('certificates') },
      { key: 'sniCertificates', label: 'SNI certificates', type: 'multi', options: names('certificates') },
      { key: 'protocols', label: 'Protocols', type: 'list', placeholder: 'tls1.2, tls1.3' },
      { key: 'ciphers', label: 'Ciphers', type: 'text' },
      { key: 'alpn', label: 'ALPN', type: 'list', placeholder: 'http/1.1' },
      { key: 'clientCertificate', label: 'Client certificate', type: 'select', options: clientSslProfileClientCertificateValues },
      { key: 'caCertificate', label: 'CA certificate', type: 'select', optional: true, options: names('certificates') },
      { key: 'ocspStapling', label: 'OCSP stapling', type: 'bool' },
    ],
    defaults: () => ({ protocols: ['tls1.2', 'tls1.3'], alpn: ['http/1.1'], clientCertificate: 'ignore', sniCertificates: [], ocspStapling: false }),
  }),

  kind<ServerSslProfile>({
    kind: 'profiles/server-ssl', title: 'Server SSL profiles', singular: 'server-ssl profile', writeKind: 'profiles/server-ssl', builtIns: ['server-ssl'],
    columns: [
      { label: 'Verify server', render: (o) => (o.verifyServer ? 'yes' : 'no') },
      { label: 'Server name', render: (o) => str(o.serverName) },
    ],
    fields: [...profileCommon,
      { key: 'certificate', label: 'Client certificate to members', type: 'select', optional: true, options: names('certificates') },
      { key: 'protocols', label: 'Protocols', type: 'list', placeholder: 'tls1.2, tls1.3' },
      { key: 'ciphers', label: 'Ciphers', type: 'text' },
      { key: 'verifyServer', label: 'Verify the member certificate', type: 'bool' },
      { key: 'caCertificate', label: 'CA certificate', type: 'select', optional: true, options: names('certificates') },
      { key: 'serverName', label: 'Server name (SNI)', type: 'text' },
    ],
    defaults: () => ({ protocols: ['tls1.2', 'tls1.3'], verifyServer: false }),
  }),

  kind<OneConnectProfile>({
    kind: 'profiles/oneconnect', title: 'OneConnect profiles', singular: 'oneconnect profile', writeKind: 'profiles/oneconnect', builtIns: ['oneconnect'],
    columns: [
      { label: 'Source mask', render: (o) => <code>{str(o.sourceMask)}</code> },
      { label: 'Max reuse', render: (o) => str(o.maxReuse) },
    ],
    fields: [...profileCommon,
      { key: 'sourceMask', label: 'Source mask', type: 'text' },
      { key: 'maxSize', label: 'Max idle connections per member', type: 'number' },
      { key: 'maxAge', label: 'Max age (s)', type: 'number' },
      { key: 'maxReuse', label: 'Max reuse', type: 'number' },
      { key: 'idleTimeout', label: 'Idle timeout (s, 0 = tcp profile)', type: 'number' },
    ],
    defaults: () => ({ sourceMask: '0.0.0.0', maxSize: 10000, maxAge: 86400, maxReuse: 1000, idleTimeout: 0 }),
  }),

  kind<PersistenceProfile>({
    kind: 'profiles/persistence', title: 'Persistence profiles', singular: 'persistence profile', writeKind: 'profiles/persistence', builtIns: ['source-addr', 'cookie', 'universal'],
    columns: [
      { label: 'Method', render: (o) => str(o.method) },
      { label: 'Timeout', render: (o) => `${str(o.timeout)} s` },
    ],
    fields: [...profileCommon,
      { key: 'method', label: 'Method', type: 'select', required: true, options: persistenceProfileMethodValues },
      { key: 'timeout', label: 'Timeout (s)', type: 'number' },
      { key: 'mask', label: 'Source mask', type: 'text', when: (v) => v.method === 'source-address' },
      { key: 'cookieMethod', label: 'Cookie method', type: 'select', options: persistenceProfileCookieMethodValues, when: (v) => v.method === 'cookie' },
      { key: 'cookieName', label: 'Cookie name', type: 'text', when: (v) => v.method === 'cookie' },
      { key: 'cookieExpiration', label: 'Cookie expiration (s, 0 = session)', type: 'number', when: (v) => v.method === 'cookie' },
      { key: 'cookieHttpOnly', label: 'Cookie HttpOnly', type: 'bool', when: (v) => v.method === 'cookie' },
      { key: 'cookieSecure', label: 'Cookie Secure', type: 'bool', when: (v) => v.method === 'cookie' },
      { key: 'cookieSameSite', label: 'Cookie SameSite', type: 'select', optional: true, options: persistenceProfileCookieSameSiteValues, when: (v) => v.method === 'cookie' },
      { key: 'hashKey', label: 'Hash key', type: 'text', placeholder: 'header:NAME, cookie:NAME, uri, path', when: (v) => v.method === 'hash' },
      { key: 'matchAcrossVirtuals', label: 'Match across virtual servers', type: 'bool' },
      { key: 'overrideConnectionLimit', label: 'Override connection limit', type: 'bool' },
    ],
    defaults: () => ({ method: 'source-address', timeout: 180, mask: '255.255.255.255', cookieMethod: 'insert', cookieHttpOnly: true }),
  }),

];

function expiry(o: CertificateView): ComponentChildren {
  const after = str(o.notAfter);
  if (!after) return '';
  const days = Math.floor((Date.parse(after) - Date.now()) / 86400000);
  const kind = days < 0 ? 'down' : days < 30 ? 'warn' : 'up';
  const early = o.notBefore && Date.parse(o.notBefore) > Date.now();
  return (
    <span title={(o.warnings ?? []).join('\n') || undefined}>
      {formatTime(str(o.notBefore))} to {formatTime(after)} <Badge kind={kind}>{days < 0 ? 'expired' : `${days} days left`}</Badge>
      {early && <Badge kind="warn">not yet valid</Badge>}
    </span>
  );
}

/** What a certificate body may carry besides the stored fields (the OpenAPI request body inlines it, so it has no generated name). */
interface CertificateUpload {
  pkcs12?: string | null;
  passphrase?: string | null;
}

/** A certificate is shown as CertificateView and sent as Certificate + CertificateUpload (PEM + key, or a PKCS#12 file). */
export const certificates = kind<CertificateView & Certificate & CertificateUpload>({
  kind: 'certificates',
  title: 'Certificates',
  singular: 'certificate',
  writeKind: 'certificates',
  viewOnly: ['hasKey', 'subject', 'issuer', 'subjectAltNames', 'notBefore', 'notAfter', 'keyType', 'fingerprintSha256', 'warnings'],
  writeOnly: ['key', 'pkcs12', 'passphrase'],
  // A merge patch keeps the stored key when the form leaves it empty (a PUT would replace the object without it).
  patchOnEdit: true,
  columns: [
    {
      label: 'Subject / issuer',
      render: (o) => (
        <>
          {str(o.subject)}
          <br />
          <span class="muted">issued by {o.issuer === o.subject ? 'itself' : str(o.issuer)}</span>
        </>
      ),
    },
    { label: 'SANs', render: (o) => list(o.subjectAltNames) },
    { label: 'Validity', render: expiry },
    { label: 'Key type', render: (o) => str(o.keyType) },
    { label: 'Key', render: (o) => (o.hasKey ? 'stored (never shown)' : 'none') },
  ],
  fields: [
    name,
    description,
    { key: 'pem', label: 'Certificate (PEM, then its chain in order)', type: 'file-text', rows: 6, placeholder: '-----BEGIN CERTIFICATE-----', when: (v) => !v.pkcs12 },
    { key: 'key', label: 'Private key (PEM; write-only)', type: 'file-text', rows: 4, placeholder: 'paste or upload; leave empty to keep the stored key', help: 'The key is never shown again, not even to an admin.', when: (v) => !v.pkcs12 },
    { key: 'pkcs12', label: 'Or a PKCS#12 file (.p12, .pfx) instead of PEM and key', type: 'file-base64', accept: '.p12,.pfx', help: 'Converted to PEM and key when saved; the file is not kept.' },
    { key: 'passphrase', label: 'PKCS#12 passphrase', type: 'password', when: (v) => Boolean(v.pkcs12) },
  ],
  fromForm: (f) => {
    const body = { ...f };
    if (body.pkcs12) {
      delete body.pem;
      delete body.key;
    } else {
      delete body.pkcs12;
      delete body.passphrase;
    }
    return body;
  },
  defaults: () => ({}),
});

/** Data group records as text: one `key value` or `key=value` per line; `#` starts a comment line. */
export function parseRecords(text: string): { records: Record<string, string>; problems: string[] } {
  const records: Record<string, string> = {};
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const ws = line.search(/\s/);
    let key: string;
    let value: string;
    if (eq >= 0 && (ws < 0 || eq < ws)) {
      key = line.slice(0, eq).trim();
      value = line.slice(eq + 1).trim();
    } else if (ws >= 0) {
      key = line.slice(0, ws);
      value = line.slice(ws).trim();
    } else {
      key = line;
      value = '';
    }
    if (!key) problems.push(`line ${i + 1}: no key`);
    else {
      if (key in records) problems.push(`line ${i + 1}: '${key}' appears again; the last value wins`);
      records[key] = value;
    }
  });
  return { records, problems };
}

export function formatRecords(records: unknown): string {
  if (!records || typeof records !== 'object') return '';
  return Object.entries(records as Record<string, string>)
    .map(([k, v]) => (/\s/.test(k) ? `${k}=${v}` : v ? `${k} ${v}` : k))
    .join('\n');
}

export const datagroups = kind<DataGroup>({
  kind: 'datagroups',
  title: 'Data groups',
  singular: 'data group',
  writeKind: 'datagroups',
  columns: [
    { label: 'Type', render: (o) => str(o.type) },
    { label: 'Records', render: (o) => String(Object.keys(o.records ?? {}).length) },
  ],
  fields: [
    name,
    description,
    { key: 'type', label: 'Type', type: 'select', options: dataGroupTypeValues, help: 'address keys are CIDR prefixes' },
    { key: 'records', label: 'Records', type: 'records' as FieldSpec['type'], rows: 10 },
  ],
  defaults: () => ({ type: 'string', records: {} }),
  toForm: (o) => ({ ...o, records: formatRecords(o.records) }),
  fromForm: (f) => ({ ...f, records: parseRecords(typeof f.records === 'string' ? f.records : '').records }),
});

/** Topology records as text, one "subnet pool" a line; cnames as one "pool target" a line. */
function parsePairs(text: unknown): [string, string][] {
  return (typeof text === 'string' ? text : '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [a, ...rest] = l.split(/\s+/);
      return [a, rest.join(' ')] as [string, string];
    });
}

export const wideips = kind<WideIp>({
  kind: 'wideips',
  title: 'Wide IPs',
  singular: 'wide IP',
  writeKind: 'wideips',
  columns: [
    { label: 'Type', render: (o) => str(o.type) },
    { label: 'Pools', render: (o) => list(o.pools) },
    { label: 'Method', render: (o) => str(o.method) },
    { label: 'TTL', render: (o) => str(o.ttl) },
    { label: 'Fallback', render: (o) => str(o.fallback) },
  ],
  fields: [
    { ...name, help: 'the DNS name answered, such as www.example.com; its zone is the name without the first label' },
    description,
    { key: 'type', label: 'Type', type: 'select', options: wideIpTypeValues },
    { key: 'pools', label: 'Pools', type: 'multi', options: names('pools'), required: true },
    { key: 'method', label: 'Method', type: 'select', options: wideIpMethodValues },
    { key: 'ttl', label: 'TTL (seconds)', type: 'number' },
    { key: 'maxAnswers', label: 'Records per answer (1 to 32)', type: 'number' },
    { key: 'topology', label: 'Topology (one "subnet pool" a line)', type: 'textarea', rows: 4, when: (v) => v.method === 'topology', placeholder: '10.0.0.0/8 web-eu' },
    { key: 'cnames', label: 'CNAME targets (one "pool target" a line)', type: 'textarea', rows: 3, when: (v) => v.type === 'CNAME', placeholder: 'web eu.cdn.example.net' },
    { key: 'fallback', label: 'Fallback when every member is down', type: 'text', help: 'an address (A, AAAA) or a name (CNAME); empty: an empty answer' },
  ],
  defaults: () => ({ type: 'A', pools: [], method: 'round-robin', ttl: 30, maxAnswers: 1 }),
  toForm: (o) => ({
    ...o,
    topology: (o.topology ?? []).map((t) => `${t.subnet} ${t.pool}`).join('\n'),
    cnames: Object.entries(o.cnames ?? {}).map(([p, t]) => `${p} ${t}`).join('\n'),
  }),
  fromForm: (f) => ({
    ...f,
    fallback: f.fallback ? f.fallback : null,
    topology: parsePairs(f.topology).map(([subnet, pool]) => ({ subnet, pool })),
    cnames: Object.fromEntries(parsePairs(f.cnames)),
  }),
});

export const rules = kind<Rule>({
  kind: 'rules',
  title: 'Rules',
  singular: 'rule',
  writeKind: 'rules',
  columns: [
    { label: 'Description', render: (o) => str(o.description) },
    { label: 'Events', render: (o) => [...new Set([...str(o.source).matchAll(/when\(\s*['"]([A-Z_]+)['"]/g)].map((m) => m[1]))].join(', ') },
    { label: 'Lines', render: (o) => String(str(o.source).split('\n').length) },
  ],
  fields: [name, description],
  defaults: () => ({}),
  editPage: (n) => `/rules/${encodeURIComponent(n)}`,
});

export const users = kind<User & { password?: string }>({
  kind: 'users',
  title: 'Users',
  singular: 'user',
  writeKind: 'users',
  viewOnly: ['created', 'updated'],
  writeOnly: ['password'],
  patchOnEdit: true,
  columns: [
    { label: 'Role', render: (o) => <Badge kind="role">{str(o.role)}</Badge> },
    { label: 'Description', render: (o) => str(o.description) },
    { label: 'Updated', render: (o) => formatTime(str(o.updated)) },
  ],
  fields: [
    name,
    { key: 'role', label: 'Role', type: 'select', required: true, options: userRoleValues },
    description,
    { key: 'password', label: 'Password', type: 'password', help: 'write-only; on edit, leave empty to keep the current password' },
  ],
  defaults: () => ({ role: 'operator' }),
});
