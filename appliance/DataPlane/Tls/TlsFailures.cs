using System.Net.Sockets;
using System.Security.Authentication;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// Names a failed handshake's reason from what SslStream threw. On Linux the OpenSSL error string travels in the inner
/// exceptions (<c>error:0A0000C1:SSL routines::no shared cipher</c>); SslStream exposes no error code, so the reason
/// string is matched. An end of stream or a socket error mid-handshake is the client going away.
/// </summary>
public static class TlsFailures
{
    public static TlsFailureReason Classify(Exception ex, out string message)
    {
        var text = new System.Text.StringBuilder();
        var closed = false;
        for (var e = ex; e is not null; e = e.InnerException)
        {
            text.Append(e.Message).Append(" | ");
            closed |= e is SocketException or ObjectDisposedException;
        }
        message = text.ToString(0, Math.Max(0, text.Length - 3));
        var m = message;
        if (Has(m, "no shared cipher") || Has(m, "no suitable signature algorithm") || Has(m, "no shared signature algorithms")
            || Has(m, "no suitable key share") || Has(m, "no shared groups") || Has(m, "no cipher match"))
        {
            return TlsFailureReason.NoSharedCipher;
        }
        if (Has(m, "unsupported protocol") || Has(m, "version too low") || Has(m, "protocol version") || Has(m, "version too high"))
        {
            return TlsFailureReason.ProtocolVersion;
        }
        if (Has(m, "unknown ca") || Has(m, "unable to get local issuer") || Has(m, "self-signed certificate") || Has(m, "UntrustedRoot") || Has(m, "PartialChain"))
        {
            return TlsFailureReason.UnknownCa;
        }
        if (Has(m, "peer did not return a certificate") || Has(m, "certificate required") || Has(m, "bad certificate")
            || Has(m, "certificate verify failed") || Has(m, "RemoteCertificate") || Has(m, "certificate revoked") || Has(m, "certificate expired"))
        {
            return TlsFailureReason.BadCertificate;
        }
        if (Has(m, "wrong version number") || Has(m, "http request") || Has(m, "packet length too long") || Has(m, "record layer failure")
            || Has(m, "unknown protocol") || Has(m, "unexpected message") || Has(m, "bad record")
            || Has(m, "frame size") || Has(m, "corrupted frame"))
        {
            return TlsFailureReason.NotTls;
        }
        if (closed || Has(m, "unexpected EOF") || Has(m, "0 bytes from the transport stream") || Has(m, "unexpected eof"))
        {
            return TlsFailureReason.Closed;
        }
        return ex is AuthenticationException or IOException ? TlsFailureReason.Other : TlsFailureReason.Closed;
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
