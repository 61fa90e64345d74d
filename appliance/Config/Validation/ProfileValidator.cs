using System.Collections.Frozen;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

namespace Fulcrum.Appliance.Config.Validation;

internal sealed class ProfileValidator : IConfigValidator
{
    private static readonly FrozenSet<string> TlsProtocols = FrozenSet.Create(StringComparer.Ordinal, "tls1.2", "tls1.3");
    internal static readonly FrozenSet<string> ProxyProtocols = FrozenSet.Create(StringComparer.Ordinal, "none", "v1", "v2");
    internal static readonly FrozenSet<string> ServerHeaderActions = FrozenSet.Create(StringComparer.Ordinal, "pass", "remove", "replace");
    internal static readonly FrozenSet<string> ClientCertModes = FrozenSet.Create(StringComparer.Ordinal, "ignore", "request", "require");
    internal static readonly FrozenSet<string> CookieMethods = FrozenSet.Create(StringComparer.Ordinal, "insert", "passive", "rewrite");
    internal static readonly FrozenSet<string> SameSites = FrozenSet.Create(StringComparer.Ordinal, "none", "lax", "strict");

    public void Validate(ValidationContext context)
    {
        var p = context.Config.Profiles;
        foreach (var t in p.Tcp)
        {
            var path = $"profiles/tcp/{t.Name}";
            context.Range(path, "connectTimeout", t.ConnectTimeout, 1, 3600);
            context.Range(path, "idleTimeout", t.IdleTimeout, 0, 86400 * 7);
            context.Range(path, "collectTimeout", t.CollectTimeout, 0, 3600);
            Tcp(context, path, t);
            context.OneOf(path, "proxyProtocol", t.ProxyProtocol, ProxyProtocols);
            context.Cidrs(path, "acceptProxyProtocolFrom", t.AcceptProxyProtocolFrom);
        }
        foreach (var h in p.Http)
        {
            var path = $"profiles/http/{h.Name}";
            context.Range(path, "maxRequestLineBytes", h.MaxRequestLineBytes, 256, 65536);
            context.Range(path, "maxHeaderBytes", h.MaxHeaderBytes, 1024, 1 << 20);
            context.Range(path, "maxHeaderCount", h.MaxHeaderCount, 1, 1000);
            context.Range(path, "headerTimeout", h.HeaderTimeout, 1, 3600);
            context.Range(path, "keepAliveTimeout", h.KeepAliveTimeout, 0, 86400);
            context.Range(path, "maxRequests", h.MaxRequests, 0, int.MaxValue);
            context.OneOf(path, "serverHeaderAction", h.ServerHeaderAction, ServerHeaderActions);
            if (h.ServerHeaderAction == "replace" && string.IsNullOrEmpty(h.ServerHeaderValue))
            {
                context.Add($"{path}/serverHeaderValue", "serverHeaderAction 'replace' needs a serverHeaderValue");
            }
            if (h.RuleErrorStatus != 0)
            {
                context.Range(path, "ruleErrorStatus", h.RuleErrorStatus, 400, 599);
            }
            context.Cidrs(path, "trustedXForwardedFor", h.TrustedXForwardedFor);
            if (h.AccessLogFormat is not null && !DataPlane.Logging.AccessLogFormat.IsValid(h.AccessLogFormat, out var unknown))
            {
                context.Add($"{path}/accessLogFormat", $"unknown variable '{unknown}'; known: %ci %cp %t %f %b %s %Tc %Tr %Ta %ST %B %ts %r %%");
            }
        }
        foreach (var s in p.ClientSsl)
        {
            var path = $"profiles/client-ssl/{s.Name}";
            Certificate(context, path, "certificate", s.Certificate, needsKey: true);
            for (var i = 0; i < s.SniCertificates.Length; i++)
            {
                Certificate(context, path, $"sniCertificates/{i}", s.SniCertificates[i], needsKey: true);
            }
            Protocols(context, path, s.Protocols);
            context.OneOf(path, "clientCertificate", s.ClientCertificate, ClientCertModes);
            Certificate(context, path, "caCertificate", s.CaCertificate, needsKey: false);
            if (s.ClientCertificate != "ignore" && s.CaCertificate is null)
            {
                context.Add($"{path}/caCertificate", "client certificate checking needs a caCertificate to verify against");
            }
            context.Range(path, "verifyDepth", s.VerifyDepth, 1, 100);
            CrlFile(context, path, s);
            Ciphers(context, path, s.Ciphers, s.Protocols);
            for (var i = 0; i < s.Alpn.Length; i++)
            {
                if (s.Alpn[i] == "h2")
                {
                    context.Add($"{path}/alpn/{i}", "'h2' cannot be offered yet: HTTP/2 is not served (a client that picked it would get HTTP/1.1); offer 'http/1.1'");
                }
                else if (s.Alpn[i] != "http/1.1")
                {
                    context.Add($"{path}/alpn/{i}", $"unknown ALPN protocol '{s.Alpn[i]}'; offered: 'http/1.1'");
                }
            }
            context.Range(path, "handshakeTimeout", s.HandshakeTimeout, 1, 3600);
            context.Range(path, "maxHandshakes", s.MaxHandshakes, 0, 1_000_000);
            OcspStapling(context, path, s);
        }
        foreach (var s in p.ServerSsl)
        {
            var path = $"profiles/server-ssl/{s.Name}";
            Certificate(context, path, "certificate", s.Certificate, needsKey: true);
            Protocols(context, path, s.Protocols);
            Certificate(context, path, "caCertificate", s.CaCertificate, needsKey: false);
            Ciphers(context, path, s.Ciphers, s.Protocols);
        }
        foreach (var o in p.OneConnect)
        {
            var path = $"profiles/oneconnect/{o.Name}";
            context.Mask(path, "sourceMask", o.SourceMask);
            context.Range(path, "maxSize", o.MaxSize, 0, 1_000_000);
            context.Range(path, "maxAge", o.MaxAge, 0, 86400 * 7);
            context.Range(path, "maxReuse", o.MaxReuse, 0, int.MaxValue);
            context.Range(path, "idleTimeout", o.IdleTimeout, 0, 86400);
        }
        foreach (var s in p.Persistence)
        {
            var path = $"profiles/persistence/{s.Name}";
            context.OneOf(path, "method", s.Method, PersistenceMethods.All);
            context.Range(path, "timeout", s.Timeout, 0, 86400 * 365);
            context.Mask(path, "mask", s.Mask);
            context.OneOf(path, "cookieMethod", s.CookieMethod, CookieMethods);
            context.Range(path, "cookieExpiration", s.CookieExpiration, 0, 86400 * 365 * 10);
            if (s.CookieSameSite is not null)
            {
                context.OneOf(path, "cookieSameSite", s.CookieSameSite, SameSites);
            }
            if (s.Method == PersistenceMethods.Hash && (s.HashKey is null || !HashKeys.IsValid(s.HashKey)))
            {
                context.Add($"{path}/hashKey", "hash persistence needs a hashKey: uri, path, header:NAME or cookie:NAME");
            }
        }
    }

    /// <summary>Stapling needs a responder to fetch from: refused when none of the profile's certificates names one.</summary>
    private static void OcspStapling(ValidationContext context, string path, ClientSslProfile s)
    {
        if (!s.OcspStapling)
        {
            return;
        }
        var names = s.SniCertificates.Prepend(s.Certificate).OfType<string>().ToArray();
        var certificates = names.Select(n => ConfigKinds.Certificates.Find(context.Config, n)).OfType<Model.Certificate>().ToArray();
        if (certificates.Length < names.Length)
        {
            return; // the missing certificate is reported by name already
        }
        if (!certificates.Any(c => DataPlane.Tls.TlsCertificate.OcspResponders(c.Pem).Length > 0))
        {
            context.Add($"{path}/ocspStapling", $"no certificate of this profile ({string.Join(", ", names)}) names an http OCSP responder in its authority information access, so there is nothing to staple");
        }
    }

    private static void CrlFile(ValidationContext context, string path, ClientSslProfile s)
    {
        if (s.CrlFile is null)
        {
            return;
        }
        if (s.ClientCertificate == "ignore")
        {
            context.Add($"{path}/crlFile", "a CRL is only checked with clientCertificate 'request' or 'require'");
            return;
        }
        if (s.CaCertificate is null || ConfigKinds.Certificates.Find(context.Config, s.CaCertificate) is not Model.Certificate ca)
        {
            return; // caCertificate's own error says it
        }
        try
        {
            var trusted = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            trusted.ImportFromPem(ca.Pem);
            DataPlane.Tls.CertificateRevocationList.Load(File.ReadAllBytes(s.CrlFile), trusted);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or System.Formats.Asn1.AsnContentException or FormatException or ArgumentException)
        {
            context.Add($"{path}/crlFile", $"cannot use '{s.CrlFile}': {ex.Message}");
        }
    }

    private static void Ciphers(ValidationContext context, string path, string? ciphers, IReadOnlyList<string> protocols)
    {
        if (ciphers is null)
        {
            return;
        }
        if (!DataPlane.Tls.TlsCipherList.TryParse(ciphers, out var suites, out var problem))
        {
            context.Add($"{path}/ciphers", problem!);
        }
        else if (DataPlane.Tls.TlsCipherList.ProtocolProblem(suites, protocols.Contains("tls1.2"), protocols.Contains("tls1.3")) is { } mismatch)
        {
            context.Add($"{path}/ciphers", mismatch);
        }
    }

    /// <summary>
    /// Every knob within what the kernel takes, so nothing saved is silently clamped or ignored when applied: buffers at
    /// or above the kernel's minimum (tcp_wmem / tcp_rmem), a congestion algorithm this kernel has, the kernel's ranges
    /// for keep-alive, MSS and FIN_WAIT2, no negative times.
    /// </summary>
    private static void Tcp(ValidationContext context, string path, TcpProfile t)
    {
        context.Range(path, "keepAliveTime", t.KeepAliveTime, 0, 32767);
        context.Range(path, "keepAliveInterval", t.KeepAliveInterval, 1, 32767);
        context.Range(path, "keepAliveProbes", t.KeepAliveProbes, 1, 127);
        Buffer(context, path, "sendBufferSize", t.SendBufferSize, KernelTcp.MinSendBuffer());
        Buffer(context, path, "receiveBufferSize", t.ReceiveBufferSize, KernelTcp.MinReceiveBuffer());
        context.Range(path, "proxyBufferHigh", t.ProxyBufferHigh, 4096, 64 << 20);
        context.Range(path, "proxyBufferLow", t.ProxyBufferLow, 1024, 64 << 20);
        if (t.ProxyBufferLow >= t.ProxyBufferHigh)
        {
            context.Add($"{path}/proxyBufferLow", $"proxyBufferLow ({t.ProxyBufferLow}) must be below proxyBufferHigh ({t.ProxyBufferHigh})");
        }
        if (t.CongestionControl is { } cc && !BuiltIns.IsBuiltIn("profiles/tcp", t.Name))
        {
            var available = KernelTcp.AvailableCongestionControl();
            if (!available.Contains(cc, StringComparer.Ordinal))
            {
                context.Add($"{path}/congestionControl", $"this kernel has no congestion control '{cc}'; available: {string.Join(", ", available)}");
            }
        }
        context.Range(path, "notSentLowat", t.NotSentLowat, 0, 64 << 20);
        context.Range(path, "userTimeout", t.UserTimeout, 0, 86400);
        if (t.MaxSegmentSize != 0)
        {
            // TCP_MIN_MSS and MAX_TCP_WINDOW: setsockopt(TCP_MAXSEG) refuses anything outside.
            context.Range(path, "maxSegmentSize", t.MaxSegmentSize, 88, 32767);
        }
        context.Range(path, "deferAccept", t.DeferAccept, 0, 3600);
        // TCP_LINGER2 is capped at TCP_FIN_TIMEOUT_MAX (120 s).
        context.Range(path, "lingerTimeout", t.LingerTimeout, -1, 120);
        context.Range(path, "zeroWindowTimeout", t.ZeroWindowTimeout, 0, 86400);
        context.Range(path, "synBacklog", t.SynBacklog, 1, 65535);
    }

    private static void Buffer(ValidationContext context, string path, string field, int value, int kernelMin)
    {
        if (value == 0)
        {
            return;
        }
        if (value < kernelMin)
        {
            context.Add($"{path}/{field}", $"{field} {value} is below the kernel's minimum of {kernelMin} bytes (0 leaves the buffer to kernel autotuning)");
        }
        else
        {
            context.Range(path, field, value, kernelMin, 64 << 20);
        }
    }

    private static void Protocols(ValidationContext context, string path, IReadOnlyList<string> protocols)
    {
        if (protocols.Count == 0)
        {
            context.Add($"{path}/protocols", "at least one protocol is needed");
        }
        for (var i = 0; i < protocols.Count; i++)
        {
            context.OneOf(path, $"protocols/{i}", protocols[i], TlsProtocols);
        }
    }

    private static void Certificate(ValidationContext context, string path, string field, string? name, bool needsKey)
    {
        if (name is null)
        {
            return;
        }
        if (ConfigKinds.Certificates.Find(context.Config, name) is not Model.Certificate cert)
        {
            context.Add($"{path}/{field}", $"certificate '{name}' does not exist");
        }
        else if (needsKey && cert.Key is null)
        {
            context.Add($"{path}/{field}", $"certificate '{name}' has no private key");
        }
    }
}
