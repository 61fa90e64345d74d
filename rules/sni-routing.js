// SNI routing without terminating TLS, on an L4 virtual server (no client-ssl profile): the pool is picked by the
// server name in the client's ClientHello, and TLS stays end to end between client and member.
// iRules: TCP::collect in CLIENT_ACCEPTED, then `binary scan` of the first packet in CLIENT_DATA.
const pools = new Map([
  ['api.example.com', 'api'],
  ['www.example.com', 'web'],
]);

when('CLIENT_ACCEPTED', ctx => { ctx.tcp.collect(5); });

when('CLIENT_DATA', ctx => {
  const hello = ctx.tls.clientHello();
  if (hello.status === 'incomplete' && !ctx.tcp.timedOut) {
    // The record header says how many bytes the hello takes: hold until they are all here (any TCP segmentation).
    ctx.tcp.collect(hello.needed);
    return;
  }
  if (hello.status !== 'ok') {
    // Not TLS, or a client that stalled mid-hello: a clean close, nothing sent to a member.
    ctx.tcp.close();
    return;
  }
  const sni = hello.sni;
  ctx.lb.pool(pools.get(sni) ?? (sni !== null && sni.endsWith('.example.com') ? 'web' : 'default'));
  ctx.tcp.release();
});
