// Client certificate to the member: the subject of the certificate the client-ssl profile verified
// (clientCertificate "request" or "require") goes in X-Client-Cert-Subject; a client's own copy of the header is
// always removed, so a member can trust it. Put on a virtual server with an http and a client-ssl profile.
// iRules: HTTP::header replace X-Client-Cert-Subject [X509::subject [SSL::cert 0]]
when('HTTP_REQUEST', ctx => {
  ctx.http.removeHeader('x-client-cert-subject');
  const subject = ctx.ssl && ctx.ssl.clientCertificate;
  if (subject) {
    ctx.http.setHeader('x-client-cert-subject', subject);
  }
});
