// Request timing log: time from HTTP_REQUEST to HTTP_RESPONSE_RELEASE per request, with method, path, status and
// the member that served it; slow requests are logged as warnings. (Log lines are rate-limited per rule.)
// iRules: set t0 [clock clicks -milliseconds] ... log local0. "... [expr {[clock clicks -milliseconds] - $t0}] ms"
when('HTTP_REQUEST', ctx => {
  ctx.req.start = Date.now();
  ctx.req.line = ctx.http.method + ' ' + ctx.http.path;
});

when('HTTP_RESPONSE_RELEASE', ctx => {
  const ms = Date.now() - ctx.req.start;
  const line = ctx.req.line + ' ' + ctx.http.status + ' ' + ms + 'ms ' + ctx.client.ip + ' -> ' + (ctx.lb.selected || 'local');
  log(ms > 1000 ? 'warn' : 'info', line);
});
