// JSESSIONID universal persistence: requests carrying the same session id go to the same member, whether the id
// comes in the cookie or in the ;jsessionid= path parameter; new sessions are learnt from the server's Set-Cookie.
// iRules: persist uie [HTTP::cookie JSESSIONID] 1800 ... in HTTP_RESPONSE: persist add uie $id 1800
const timeoutMs = 30 * 60 * 1000;

function sessionId(ctx) {
  const fromCookie = ctx.http.cookie('JSESSIONID');
  if (fromCookie) return fromCookie;
  const m = /;jsessionid=([^?;/]+)/i.exec(ctx.http.path);
  return m ? m[1] : null;
}

when('HTTP_REQUEST', ctx => {
  const id = sessionId(ctx);
  if (id) ctx.persist.universal(id, timeoutMs);
});

when('HTTP_RESPONSE', ctx => {
  for (const c of ctx.http.headers('set-cookie')) {
    const m = /^JSESSIONID=([^;]+)/.exec(c);
    if (m) ctx.persist.universal(m[1], timeoutMs);
  }
});
