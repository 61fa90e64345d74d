// HTTP -> HTTPS: every plain-HTTP request is answered with a permanent redirect to the same host and URI.
// iRules: HTTP::redirect "https://[HTTP::host][HTTP::uri]"
when('HTTP_REQUEST', ctx => {
  const host = ctx.http.host;
  if (!host) {
    ctx.http.respond(400, 'a Host header is required\n', { 'content-type': 'text/plain' });
    return;
  }
  ctx.http.redirect('https://' + host + ctx.http.uri, 301);
});
