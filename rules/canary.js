// Canary split: 10% of clients (by a hash of their address) go to the "canary" pool; the choice is kept in a cookie
// so a client stays on its side even when its address changes.
// iRules: if { [HTTP::cookie canary] eq "" } { set side [expr {[crc32 [IP::client_addr]] % 100 < 10}] } ... HTTP::cookie insert
const percent = 10;

when('HTTP_REQUEST', ctx => {
  let side = ctx.http.cookie('canary');
  if (side !== 'yes' && side !== 'no') {
    const bucket = parseInt(crypto.sha256(ctx.client.ip).slice(0, 8), 16) % 100;
    side = bucket < percent ? 'yes' : 'no';
    ctx.req.setCookie = side;
  }
  ctx.lb.pool(side === 'yes' ? 'canary' : 'stable');
});

when('HTTP_RESPONSE', ctx => {
  if (ctx.req.setCookie) ctx.http.setCookie('canary', ctx.req.setCookie, { path: '/', maxAge: 86400, httpOnly: true });
});
