// Block by path or user agent from data groups, robust to case and percent-encoding tricks:
// the path is percent-decoded, dot segments and doubled slashes removed, and lower-cased before matching.
// iRules: if { [class match [string tolower [URI::decode [HTTP::path]]] starts_with blocked_paths] } { reject }
when('HTTP_REQUEST', ctx => {
  const path = ctx.http.normalizedPath.toLowerCase();
  const agent = (ctx.http.header('user-agent') || '').toLowerCase();
  if (dataGroup('blocked-paths').startsWith(path) || dataGroup('blocked-agents').contains(agent)) {
    log('warn', 'blocked ' + ctx.client.ip + ' ' + path);
    ctx.http.respond(403, 'forbidden\n', { 'content-type': 'text/plain' });
  }
});
