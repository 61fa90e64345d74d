// Rate limit per client address: 5 requests per second (sliding window), 429 with Retry-After beyond;
// addresses in the "trusted" data group (CIDR) are never limited.
// iRules: table incr / table timeout per [IP::client_addr]; class match [IP::client_addr] equals trusted
when('HTTP_REQUEST', ctx => {
  if (dataGroup('trusted').match(ctx.client.ip)) return;
  const perClient = limiter('per-client', { rate: 5, per: 1000 });
  if (!perClient.allow(ctx.client.ip)) {
    const seconds = Math.ceil(perClient.retryAfterMs(ctx.client.ip) / 1000);
    ctx.http.respond(429, 'too many requests\n', { 'retry-after': String(seconds), 'content-type': 'text/plain' });
  }
});
