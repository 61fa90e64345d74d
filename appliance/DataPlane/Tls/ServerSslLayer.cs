using System.Net.Security;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// The server-ssl layer: right after a member connection is made (and its PROXY header sent on the transport, under
/// TLS), a TLS client handshake with the profile's SNI, certificate check and client certificate; then the side is
/// wrapped so the protocol writes plaintext. A failed or late handshake fails the connect attempt (the next member is
/// tried as for a refused connect).
/// </summary>
internal static class ServerSslLayer
{
    public static async ValueTask<bool> HandshakeAsync(ProxyContext ctx, ProxySide side, ILogger logger)
    {
        var plan = ctx.Plan;
        if (plan.ServerTls is not { } tls)
        {
            return false; // the material failed to load: never talk to the member in clear
        }
        await side.SendPreambleAsync().ConfigureAwait(false);
        var sni = tls.SniFor(ctx);
        var ssl = new ServerTlsStream(side.Stream, sni, tls.Profile.VerifyServer);
        // The connect timeout bounds the handshake too; the abort is posted to the side's loop by the transport.
        using var timer = new Timer(static s => ((ProxySide)s!).Abort(), side, plan.ConnectTimeoutMs, Timeout.Infinite);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls.Options(sni)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TlsFailures.Classify(ex, out var message);
            TlsLog.ServerHandshakeFailed(logger, plan.Name, ctx.Member?.Key ?? "?", message);
            ssl.Dispose();
            return false;
        }
        side.Wrap(ssl);
        return true;
    }
}
