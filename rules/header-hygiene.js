// X-Forwarded-For set from the real client address (a client-sent value is never trusted here; the http
// profile's trusted-proxy list is where XFF chains are accepted), response headers that leak the stack scrubbed,
// and security headers added.
// iRules: HTTP::header replace X-Forwarded-For [IP::client_addr]; HTTP::header remove Server ...
const leaky = ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version'];
const security = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

when('HTTP_REQUEST', ctx => {
  ctx.http.setHeader('X-Forwarded-For', ctx.client.ip);
  ctx.http.setHeader('X-Forwarded-Proto', 'http');
});

when('HTTP_RESPONSE', ctx => {
  for (const name of leaky) ctx.http.removeHeader(name);
  for (const [name, value] of Object.entries(security)) {
    if (!ctx.http.header(name)) ctx.http.setHeader(name, value);
  }
});
