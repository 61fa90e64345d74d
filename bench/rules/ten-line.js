when('HTTP_REQUEST', ctx => {
  const path = ctx.http.path;
  if (path.startsWith('/old/')) {
    ctx.http.redirect('/new/' + path.slice(5));
    return;
  }
  if (path.startsWith('/api/')) ctx.lb.pool('api');
  else ctx.lb.pool('web');
  const agent = ctx.http.header('user-agent');
  if (agent && ctx.client.ip === '127.0.0.1') ctx.http.setHeader('x-internal', '1');
});
