// The rule host API's names, for completion in the rule editor: the names scripting/Host/HostApi.cs knows (the
// analyzer's list, which refuses any other ctx name at save time); keep the two in step.

export interface HostName {
  label: string;
  type: 'function' | 'namespace' | 'property' | 'method' | 'constant' | 'keyword';
  detail?: string;
  info?: string;
}

export const events = [
  'RULE_INIT', 'CLIENT_ACCEPTED', 'CLIENT_DATA', 'CLIENT_CLOSED',
  'HTTP_REQUEST', 'HTTP_REQUEST_DATA', 'HTTP_REQUEST_SEND', 'HTTP_REQUEST_RELEASE',
  'LB_SELECTED', 'LB_FAILED', 'SERVER_CONNECTED', 'SERVER_DATA', 'SERVER_CLOSED',
  'HTTP_RESPONSE', 'HTTP_RESPONSE_DATA', 'HTTP_RESPONSE_RELEASE',
  'CLIENTSSL_CLIENTHELLO', 'CLIENTSSL_HANDSHAKE', 'DNS_REQUEST',
];

export const globals: HostName[] = [
  { label: 'when', type: 'function', detail: '(event, (ctx) => …)', info: 'Registers a handler for an event.' },
  { label: 'ctx', type: 'namespace', detail: 'event context' },
  { label: 'table', type: 'namespace', detail: 'shared key/value with TTL' },
  { label: 'limiter', type: 'function', detail: '(name, {rate, per}) → {allow, retryAfterMs}', info: '`per` is in milliseconds.' },
  { label: 'dataGroup', type: 'function', detail: '(name) → {match, startsWith, endsWith, contains, value}' },
  { label: 'log', type: 'function', detail: '(level, message)', info: 'level: debug, info, warn or error.' },
  { label: 'url', type: 'namespace', detail: 'URL and query parsing' },
  { label: 'limits', type: 'function', detail: '({timeMs, statements, memoryMb, recursion})', info: 'Top level only; literal numbers. timeMs is CPU time per event.' },
  { label: 'crypto', type: 'namespace' },
  { label: 'statics', type: 'namespace', detail: 'values computed in RULE_INIT, frozen after' },
];

/** Members by the expression before the dot. */
export const members: Record<string, HostName[]> = {
  ctx: [
    { label: 'client', type: 'namespace', detail: 'ip, port' },
    { label: 'server', type: 'namespace', detail: 'ip, port (null before a server is connected)' },
    { label: 'local', type: 'namespace', detail: 'ip, port' },
    { label: 'vs', type: 'property', detail: 'virtual server name' },
    { label: 'id', type: 'property', detail: 'connection id' },
    { label: 'tcp', type: 'namespace', detail: 'collect, payload, timedOut, respond, release, close' },
    { label: 'tls', type: 'namespace', detail: 'clientHello() — the ClientHello in the held bytes (L4)' },
    { label: 'http', type: 'namespace' },
    { label: 'lb', type: 'namespace', detail: 'pool, member, hashKey, reselect, selected, markDown, activeMembers' },
    { label: 'ssl', type: 'namespace', detail: 'sni, alpnOffered, versionsOffered, protocol, cipher, alpn, resumed, clientCertificate, certificate()' },
    { label: 'persist', type: 'namespace', detail: 'source, cookie, universal, none' },
    { label: 'vars', type: 'property', detail: 'per-connection variables' },
    { label: 'req', type: 'property', detail: 'per-request variables (kept across retry)' },
    { label: 'event', type: 'namespace', detail: 'name, stop()' },
    { label: 'dns', type: 'namespace', detail: 'name, type, subnet, answer(), pool(), drop(), nxdomain(), refused() — DNS_REQUEST' },
    { label: 'drop', type: 'method', detail: '()' },
    { label: 'reject', type: 'method', detail: '()' },
  ],
  'ctx.dns': [
    { label: 'name', type: 'property', detail: 'the queried name, lower case' },
    { label: 'type', type: 'property', detail: "'A', 'AAAA', 'CNAME', 'SOA', 'ANY', … or 'TYPEn'" },
    { label: 'subnet', type: 'property', detail: "EDNS Client Subnet 'address/prefix', or null" },
    { label: 'answer', type: 'method', detail: '(addresses, {ttl}) — answer with these addresses' },
    { label: 'pool', type: 'method', detail: '(name) — answer from this pool of the wide IP' },
    { label: 'drop', type: 'method', detail: '() — no response' },
    { label: 'nxdomain', type: 'method', detail: '()' },
    { label: 'refused', type: 'method', detail: '()' },
  ],
  'ctx.client': [{ label: 'ip', type: 'property' }, { label: 'port', type: 'property' }],
  'ctx.server': [{ label: 'ip', type: 'property' }, { label: 'port', type: 'property' }],
  'ctx.local': [{ label: 'ip', type: 'property' }, { label: 'port', type: 'property' }],
  'ctx.tcp': [
    { label: 'collect', type: 'method', detail: '(bytes, {timeoutMs}) — hold this side\'s bytes, then CLIENT_DATA / SERVER_DATA' },
    { label: 'payload', type: 'property', detail: 'the held bytes; assignable' },
    { label: 'timedOut', type: 'property', detail: 'true when the collect\'s wait ran out (payload may be short)' },
    { label: 'respond', type: 'method', detail: '(data) — to the peer of the event\'s side' },
    { label: 'release', type: 'method', detail: '()' },
    { label: 'close', type: 'method', detail: '()' },
  ],
  'ctx.tls': [
    { label: 'clientHello', type: 'method', detail: '() → {status, sni, alpn, versions, cipherSuites, ecdsa, length | needed | reason}', info: 'CLIENT_DATA only; status: ok, incomplete (collect `needed`), invalid.' },
  ],
  'ctx.http': [
    { label: 'method', type: 'property' },
    { label: 'uri', type: 'property', detail: 'assignable: rewrites the request line' },
    { label: 'path', type: 'property', detail: 'assignable' },
    { label: 'normalizedPath', type: 'property' },
    { label: 'query', type: 'property' },
    { label: 'params', type: 'property', detail: 'query parameters' },
    { label: 'version', type: 'property' },
    { label: 'host', type: 'property' },
    { label: 'header', type: 'method', detail: '(name) → string | null' },
    { label: 'headers', type: 'method', detail: '(name) → string[]' },
    { label: 'headerNames', type: 'method', detail: '() → string[]' },
    { label: 'setHeader', type: 'method', detail: '(name, value)' },
    { label: 'addHeader', type: 'method', detail: '(name, value)' },
    { label: 'removeHeader', type: 'method', detail: '(name)' },
    { label: 'cookie', type: 'method', detail: '(name) → string | null' },
    { label: 'setCookie', type: 'method', detail: '(name, value, options?)' },
    { label: 'collect', type: 'method', detail: '({max}) — then HTTP_REQUEST_DATA / HTTP_RESPONSE_DATA' },
    { label: 'body', type: 'property', detail: 'in _DATA events; assignable' },
    { label: 'respond', type: 'method', detail: '(status, body, headers?)' },
    { label: 'redirect', type: 'method', detail: '(location, status = 302)' },
    { label: 'responded', type: 'property' },
    { label: 'status', type: 'property', detail: 'in response events' },
    { label: 'reason', type: 'property', detail: 'in response events' },
    { label: 'retry', type: 'method', detail: '() — in response events: send the request again' },
  ],
  'ctx.lb': [
    { label: 'pool', type: 'method', detail: '(name, member?)' },
    { label: 'member', type: 'method', detail: '(address, port) — a pool member or any node' },
    { label: 'hashKey', type: 'method', detail: '(key) — for pools with hashKey "rule"' },
    { label: 'reselect', type: 'method' },
    { label: 'selected', type: 'property' },
    { label: 'markDown', type: 'method' },
    { label: 'activeMembers', type: 'method', detail: '(pool) → number' },
  ],
  'ctx.ssl': [
    ...['sni', 'alpnOffered', 'versionsOffered', 'cipher', 'protocol', 'alpn', 'resumed', 'clientCertificate', 'clientCertificateIssuer', 'clientCertificateSerial', 'clientCertificateFingerprint', 'clientCertificateVerify'].map((label) => ({ label, type: 'property' as const })),
    { label: 'certificate', type: 'method', detail: '(name) — CLIENTSSL_CLIENTHELLO: serve this certificate of the profile' },
  ],
  'ctx.persist': [
    { label: 'source', type: 'method', detail: '(timeoutMs)' },
    { label: 'cookie', type: 'method', detail: '(name, timeoutMs)' },
    { label: 'universal', type: 'method', detail: '(key, timeoutMs)' },
    { label: 'none', type: 'method', detail: '()' },
  ],
  'ctx.event': [
    { label: 'name', type: 'property' },
    { label: 'stop', type: 'method', detail: '() — later handlers of this event do not run' },
  ],
  table: [
    { label: 'get', type: 'method', detail: '(key) → value | null' },
    { label: 'set', type: 'method', detail: '(key, value, ttlMs)' },
    { label: 'incr', type: 'method', detail: '(key, by = 1, ttlMs) → number' },
    { label: 'delete', type: 'method', detail: '(key)' },
    { label: 'sub', type: 'method', detail: '(name) → subtable' },
  ],
};

/** Methods of the objects that dataGroup(…) and limiter(…) return. */
export const dataGroupMethods: HostName[] = [
  { label: 'match', type: 'method', detail: '(key) → bool' },
  { label: 'startsWith', type: 'method', detail: '(s) → bool' },
  { label: 'endsWith', type: 'method', detail: '(s) → bool' },
  { label: 'contains', type: 'method', detail: '(s) → bool' },
  { label: 'value', type: 'method', detail: '(key) → string | null' },
];
export const limiterMethods: HostName[] = [
  { label: 'allow', type: 'method', detail: '(key) → bool' },
  { label: 'retryAfterMs', type: 'method', detail: '(key) → number' },
];
