// Hide what software a server runs from its greeting, the first line it sends when a client connects
// (SMTP and FTP "220 mx1.corp.internal ESMTP Postfix (Ubuntu)", POP3 "+OK Dovecot (Ubuntu) ready.").
// The line is held until it is complete, rewritten, and released; everything after it streams untouched.
// L4 virtual servers only (no http profile). Not for SSH: its version line is part of the key exchange.
// iRules: when SERVER_CONNECTED { TCP::collect } when SERVER_DATA { ... TCP::payload replace 0 $n $new; TCP::release }
when('SERVER_CONNECTED', ctx => { ctx.tcp.collect(1); });

when('SERVER_DATA', ctx => {
  const data = ctx.tcp.payload;
  const end = data.indexOf('\r\n');
  if (end < 0 && data.length < 1024) {
    ctx.tcp.collect(data.length + 1); // not a whole line yet: keep holding, read more
    return;
  }
  const line = end < 0 ? data : data.slice(0, end);
  const greeting = line.replace(/^(\d{3}[ -]|\+OK ).*/, '$1mail.example.com ready');
  ctx.tcp.payload = greeting + data.slice(line.length);
  ctx.tcp.release();
});
