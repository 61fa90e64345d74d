// Pool by URI prefix, chosen per request (so keep-alive connections are re-balanced request by request).
// iRules: switch -glob [HTTP::path] { "/api/*" { pool api } ... }
const routes = [
  ['/api/', 'api'],
  ['/static/', 'static'],
];

when('HTTP_REQUEST', ctx => {
  const path = ctx.http.normalizedPath;
  for (const [prefix, pool] of routes) {
    if (path.startsWith(prefix)) {
      ctx.lb.pool(pool);
      return;
    }
  }
  ctx.lb.pool('web');
});
