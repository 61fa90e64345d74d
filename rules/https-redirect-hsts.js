// HTTP -> HTTPS with HSTS, for a pair of virtual servers sharing this rule: on the plain one (no client-ssl profile,
// ctx.ssl is null) every request is redirected to https; on the TLS one every response tells the browser to keep to
// https for a year (Strict-Transport-Security is only honoured over TLS, so it is never sent in clear).
// iRules: if { [TCP::local_port] == 80 } { HTTP::redirect ... } / HTTP::header insert Strict-Transport-Security ...
when('HTTP_REQUEST', ctx => {
  if (ctx.ssl) return;
  const host = ctx.http.host;
  if (!host) {
    ctx.http.respond(400, 'a Host header is required\n', { 'content-type': 'text/plain' });
    return;
  }
  ctx.http.redirect('https://' + host + ctx.http.uri, 301);
});

when('HTTP_RESPONSE', ctx => {
  if (ctx.ssl) {
    ctx.http.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
  }
});
