// Response body rewrite: internal URLs in HTML become public ones. The proxy decodes chunked and gzip bodies
// before HTTP_RESPONSE_DATA and re-frames the replacement (Content-Length fixed, Content-Encoding dropped).
// iRules: HTTP::collect in HTTP_RESPONSE, then HTTP::payload replace in HTTP_RESPONSE_DATA (or a stream profile)
when('HTTP_RESPONSE', ctx => {
  const type = ctx.http.header('content-type') || '';
  if (type.startsWith('text/html')) ctx.http.collect({ max: 2 * 1024 * 1024 });
});

when('HTTP_RESPONSE_DATA', ctx => {
  ctx.http.body = ctx.http.body.replaceAll('http://intranet.local', 'https://www.example.com');
});
