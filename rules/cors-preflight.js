// CORS preflight answered at the edge for allowed origins (data group "cors-origins"); actual responses get the
// Access-Control-Allow-Origin header. Disallowed origins get no CORS headers (the browser then refuses).
// iRules: if { [HTTP::method] eq "OPTIONS" && [HTTP::header exists Access-Control-Request-Method] } { HTTP::respond 204 ... }
when('HTTP_REQUEST', ctx => {
  const origin = ctx.http.header('origin');
  if (!origin || !dataGroup('cors-origins').match(origin)) return;
  ctx.req.origin = origin;
  if (ctx.http.method === 'OPTIONS' && ctx.http.header('access-control-request-method')) {
    ctx.http.respond(204, '', {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, PUT, DELETE',
      'access-control-allow-headers': ctx.http.header('access-control-request-headers') || 'content-type',
      'access-control-max-age': '600',
      'vary': 'Origin',
    });
  }
});

when('HTTP_RESPONSE', ctx => {
  if (ctx.req.origin) {
    ctx.http.setHeader('access-control-allow-origin', ctx.req.origin);
    ctx.http.addHeader('vary', 'Origin');
  }
});
