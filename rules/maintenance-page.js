// Maintenance page: when the pool has no active member, answer 503 with Retry-After at the edge.
// iRules: if { [active_members web] < 1 } { HTTP::respond 503 content $page Retry-After 120 }
const page = '<html><body><h1>Down for maintenance</h1><p>Back soon.</p></body></html>';

when('HTTP_REQUEST', ctx => {
  if (ctx.lb.activeMembers('web') < 1) {
    ctx.http.respond(503, page, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '120', 'cache-control': 'no-store' });
    return;
  }
  ctx.lb.pool('web');
});
