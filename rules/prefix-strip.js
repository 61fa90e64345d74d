// URI prefix strip: /shop/... is served by an application that lives at /...; Location headers the application
// sends back are mapped under /shop again.
// iRules: HTTP::uri [string range [HTTP::uri] 5 end] ... HTTP::header replace Location [string map ...]
const prefix = '/shop';

when('HTTP_REQUEST', ctx => {
  const path = ctx.http.path;
  if (path === prefix || path.startsWith(prefix + '/')) {
    ctx.req.stripped = true;
    ctx.http.path = path.slice(prefix.length) || '/';
    ctx.lb.pool('shop');
  }
});

when('HTTP_RESPONSE', ctx => {
  if (!ctx.req.stripped) return;
  const location = ctx.http.header('location');
  if (location && location.startsWith('/')) ctx.http.setHeader('location', prefix + location);
  const host = ctx.http.header('x-origin-host');
  if (location && host && location.startsWith('http://' + host + '/')) {
    ctx.http.setHeader('location', location.replace('http://' + host, 'http://' + host + prefix));
  }
});
