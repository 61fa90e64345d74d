// L4 routing by the first bytes (no http profile): TLS ClientHello to "tls", SSH banner to "ssh",
// an HTTP method to "http"; anything else is closed.
// iRules: when CLIENT_ACCEPTED { TCP::collect } when CLIENT_DATA { switch -glob [TCP::payload] ... ; TCP::release }
when('CLIENT_ACCEPTED', ctx => { ctx.tcp.collect(4); });

when('CLIENT_DATA', ctx => {
  const head = ctx.tcp.payload;
  if (head.charCodeAt(0) === 0x16) ctx.lb.pool('tls');
  else if (head.startsWith('SSH-')) ctx.lb.pool('ssh');
  else if (/^(GET |POST|PUT |HEAD|DELE|OPTI|PATC)/.test(head)) ctx.lb.pool('http');
  else {
    ctx.tcp.respond('unsupported protocol\r\n');
    ctx.tcp.close();
    return;
  }
  ctx.tcp.release();
});
