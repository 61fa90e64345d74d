// Client certificate to the member: the subject and SHA-256 fingerprint of the certificate the client-ssl profile
// verified (clientCertificate "request" or "require") go in X-Client-Cert-Subject and X-Client-Cert-Fingerprint; a
// client's own copies of the headers are always removed, so a member can trust them. Put on a virtual server with an
// http and a client-ssl profile.
// iRules: HTTP::header replace X-Client-Cert-Subject [X509::subject [SSL::cert 0]]
when('HTTP_REQUEST', ctx => {
  ctx.http.removeHeader('x-client-cert-subject');
  ctx.http.removeHeader('x-client-cert-fingerprint');
  if (ctx.ssl && ctx.ssl.clientCertificateVerify === 'ok') {
    ctx.http.setHeader('x-client-cert-subject', ctx.ssl.clientCertificate);
    ctx.http.setHeader('x-client-cert-fingerprint', ctx.ssl.clientCertificateFingerprint);
  }
});
