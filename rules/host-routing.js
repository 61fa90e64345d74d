// Host routing from a data group: "hosts" maps host names to pools; unknown hosts get a 404.
// iRules: pool [class match -value [string tolower [HTTP::host]] equals hosts]
when('HTTP_REQUEST', ctx => {
  const pool = dataGroup('hosts').value(ctx.http.host || '');
  if (pool === null) {
    ctx.http.respond(404, 'unknown site\n', { 'content-type': 'text/plain' });
    return;
  }
  ctx.lb.pool(pool);
});
