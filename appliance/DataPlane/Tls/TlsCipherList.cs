using System.Net.Security;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// A profile's <c>ciphers</c>: IANA cipher suite names separated by ':' (the names of <see cref="TlsCipherSuite"/>,
/// which are the RFC names, e.g. <c>TLS_AES_128_GCM_SHA256</c>, <c>TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256</c>).
/// One list covers TLS 1.2 and 1.3, as <see cref="CipherSuitesPolicy"/> does.
/// </summary>
public static class TlsCipherList
{
    /// <summary>Parses <paramref name="text"/>; false with the first unknown name in <paramref name="problem"/>.</summary>
    public static bool TryParse(string text, out TlsCipherSuite[] suites, out string? problem)
    {
        var list = new List<TlsCipherSuite>();
        foreach (var part in text.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Enum.TryParse takes numbers too; only names are meant.
            if (part.Length == 0 || char.IsAsciiDigit(part[0]) || part[0] == '-' || !Enum.TryParse<TlsCipherSuite>(part, ignoreCase: false, out var suite) || !Enum.IsDefined(suite))
            {
                suites = [];
                problem = $"unknown cipher suite '{part}'; use IANA names such as TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, separated by ':'";
                return false;
            }
            if (!list.Contains(suite))
            {
                list.Add(suite);
            }
        }
        suites = [.. list];
        problem = suites.Length == 0 ? "the cipher list is empty" : null;
        return problem is null;
    }

    /// <summary>Whether <paramref name="suite"/> is a TLS 1.3 suite (those carry no key exchange in their name).</summary>
    public static bool IsTls13(TlsCipherSuite suite) => suite is TlsCipherSuite.TLS_AES_128_GCM_SHA256 or TlsCipherSuite.TLS_AES_256_GCM_SHA384
        or TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256 or TlsCipherSuite.TLS_AES_128_CCM_SHA256 or TlsCipherSuite.TLS_AES_128_CCM_8_SHA256;

    /// <summary>The protocol-list problem of <paramref name="suites"/>: each enabled protocol needs one of its suites.</summary>
    public static string? ProtocolProblem(TlsCipherSuite[] suites, bool tls12, bool tls13)
    {
        if (tls13 && !suites.Any(IsTls13))
        {
            return "tls1.3 is enabled but the cipher list has no TLS 1.3 suite (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)";
        }
        if (tls12 && suites.All(IsTls13))
        {
            return "tls1.2 is enabled but the cipher list has only TLS 1.3 suites";
        }
        return null;
    }
}
