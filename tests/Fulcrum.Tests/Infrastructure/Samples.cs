using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Fulcrum.Tests.Infrastructure;

/// <summary>A valid example body for every kind, as an operator would send them.</summary>
public static class Samples
{
    public static (string CertPem, string KeyPem) SelfSigned(string cn = "www.example.test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(cn);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>(kind path, name, create body, a field to patch with its new JSON value) for every kind, in dependency order.</summary>
    public static IReadOnlyList<(string Kind, string Name, string Body, string PatchField, string PatchValue)> All()
    {
        var (cert, key) = SelfSigned();
        return
        [
            ("certificates", "site", JsonSerializer.Serialize(new { name = "site", pem = cert, key }), "description", "\"renewed\""),
            ("monitors", "web-http", """{"name":"web-http","type":"http","interval":5,"timeout":16,"send":"GET / HTTP/1.1\r\nHost: a\r\n\r\n","receive":"200 OK"}""", "interval", "3"),
            ("nodes", "n1", """{"name":"n1","address":"10.0.0.1","monitors":["tcp"]}""", "ratio", "2"),
            ("pools", "web", """{"name":"web","loadBalancingMode":"round-robin","monitors":["web-http"],"minActiveMembers":0,"members":[{"address":"127.0.0.1","port":9001,"ratio":1,"priorityGroup":0,"connectionLimit":0,"state":"enabled"}]}""", "loadBalancingMode", "\"least-connections\""),
            ("profiles/tcp", "tcp-wan", """{"name":"tcp-wan","connectTimeout":3,"idleTimeout":600,"congestionControl":"reno","keepAliveTime":600,"lingerTimeout":0}""", "idleTimeout", "900"),
            ("profiles/http", "http-xff", """{"name":"http-xff","insertXForwardedFor":true}""", "insertVia", "true"),
            ("profiles/client-ssl", "site-ssl", """{"name":"site-ssl","certificate":"site"}""", "clientCertificate", "\"ignore\""),
            ("profiles/server-ssl", "reencrypt", """{"name":"reencrypt","serverName":"backend.test"}""", "verifyServer", "true"),
            ("profiles/oneconnect", "oc", """{"name":"oc","sourceMask":"255.255.255.0"}""", "maxReuse", "50"),
            ("profiles/persistence", "sticky", """{"name":"sticky","method":"cookie","cookieName":"srv"}""", "timeout", "600"),
            ("rules", "redirect", """{"name":"redirect","source":"when('HTTP_REQUEST', ctx => ctx.http.redirect('https://' + ctx.http.host + ctx.http.uri));"}""", "description", "\"to https\""),
            ("datagroups", "blocked", """{"name":"blocked","type":"string","records":{"/admin":"","/debug":""}}""", "records", """{"/admin":"","/debug":"","/secret":""}"""),
            ("wideips", "www.example.com", """{"name":"www.example.com","type":"A","pools":["web"],"ttl":30,"method":"round-robin","fallback":"192.0.2.1"}""", "ttl", "60"),
            ("virtuals", "www", """{"name":"www","destination":"127.0.0.1:18000","type":"standard","pool":"web","profiles":["tcp","http-xff","oc"],"clientSideTcp":"tcp-wan","serverSideTcp":"tcp-lan-optimized","rules":["redirect"],"persistence":"sticky","sourceAddressTranslation":"automap","connectionLimit":0,"enabled":true}""", "connectionLimit", "100"),
        ];
    }
}
