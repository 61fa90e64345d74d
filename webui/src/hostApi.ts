// The rule host API's names, for completion in the rule editor. Taken from DESIGN.md's Rules section (the host
// API surface and its fixed signatures); keep the two in step.

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
  'CLIENTSSL_CLIENTHELLO', 'CLIENTSSL_HANDSHAKE',
];

export const globals: HostName[] = [
  { label: 'when', type: 'function', detail: '(event, (ctx) => …)', info: 'Registers a handler for an event.' },
  { label: 'ctx', type: 'namespace', detail: 'event context' },
  { label: 'table', type: 'namespace', detail: 'shared key/value with TTL' },
  { label: 'limiter', type: 'function', detail: '(name, {rate, per}) → {allow, retryAfterMs}', info: '`per` is in milliseconds.' },
  { label: 'dataGroup', type: 'function', detail: '(name) → {match, startsWith, endsWith, contains, value}' },
  { label: 'log', type: 'function', detail: '(message)' },
  { label: 'crypto', type: 'namespace' },
  { label: 'statics', type: 'namespace', detail: 'values computed in RULE_INIT, frozen after' },
];

/** Members by the expression before the dot. */
export const members: Record<string, HostName[]> = {
  ctx: [
    { label: 'client', type: 'namespace', detail: 'ip, port' },
    { label: 'server', type: 'namespace', detail: 'ip, port' },
    { label: 'local', type: 'namespace', detail: 'ip, port' },
    { label: 'tcp', type: 'namespace', detail: 'collect, payload, respond, close' },
    { label: 'http', type: 'namespace' },
    { label: 'lb', type: 'namespace', detail: 'pool, member, reselect, selected, markDown, activeMembers' },
    { label: 'ssl', type: 'namespace', detail: 'sni, cipher, protocol, clientCert' },
    { label: 'persist', type: 'namespace', detail: 'universal(key, timeoutMs)' },
    { label: 'vars', type: 'property', detail: 'per-connection variables' },
    { label: 'req', type: 'property', detail: 'per-request variables' },
    { label: 'event', type: 'namespace', detail: 'stop()' },
    { label: 'drop', type: 'method', detail: '()' },
    { label: 'reject', type: 'method', detail: '()' },
  ],
  'ctx.client': [{ label: 'ip', type: 'property' }, { label: 'port', type: 'property' }],
  'ctx.server': [{ label: 'ip', type: 'property' }, { label: 'port', type: 'property' }],
  'ctx.local': [{ label: 'ip', type: 'property' }, { label: 'port', type: 'property' }],
  'ctx.tcp': ['collect', 'payload', 'respond', 'close'].map((label) => ({ label, type: 'method' as const })),
  'ctx.http': [
    { label: 'method', type: 'property' },
    { label: 'uri', type: 'property', detail: 'assignable: rewrites the request line' },
    { label: 'path', type: 'property', detail: 'assignable' },
    { label: 'normalizedPath', type: 'property' },
    { label: 'query', type: 'property' },
    { label: 'version', type: 'property' },
    { label: 'host', type: 'property' },
    { label: 'header', type: 'method', detail: '(name) → string; .get .set .add .remove .names' },
    { label: 'headers', type: 'method', detail: '(name) → string[]' },
    { label: 'cookie', type: 'method', detail: '(name)' },
    { label: 'collect', type: 'method', detail: '()' },
    { label: 'body', type: 'property' },
    { label: 'respond', type: 'method', detail: '(status, body, headers?)' },
    { label: 'redirect', type: 'method', detail: '(location)' },
    { label: 'status', type: 'property', detail: 'in response events' },
  ],
  'ctx.http.header': ['get', 'set', 'add', 'remove', 'names'].map((label) => ({ label, type: 'method' as const })),
  'ctx.lb': [
    { label: 'pool', type: 'method', detail: '(name)' },
    { label: 'member', type: 'method', detail: '(address, port)' },
    { label: 'reselect', type: 'method' },
    { label: 'selected', type: 'property' },
    { label: 'markDown', type: 'method' },
    { label: 'activeMembers', type: 'method', detail: '(pool) → number' },
  ],
  'ctx.ssl': ['sni', 'cipher', 'protocol', 'clientCert'].map((label) => ({ label, type: 'property' as const })),
  'ctx.persist': [{ label: 'universal', type: 'method', detail: '(key, timeoutMs)' }],
  'ctx.event': [{ label: 'stop', type: 'method', detail: '() — later handlers of this event do not run' }],
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
