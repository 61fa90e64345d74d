using System.Net.Security;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// The client-ssl layer: a TLS handshake over the client's transport stream (after the PROXY reader, so a header from a
/// trusted front is read in clear), then <see cref="Transport.ProxySide.Wrap"/> so the protocol (L4 pump or HTTP/1.1)
/// reads and writes plaintext. The handshake runs on the connection's loop; its certificate choice is a lookup in the
/// plan's <see cref="ClientTlsMaterial"/>, built off the loop. A failed handshake is counted by reason and the
/// connection closed (OpenSSL has sent its alert where the protocol has one); no member is ever connected.
/// </summary>
internal sealed class ClientSslLayer : Pipeline.Layers.IClientLayer
{
    private readonly IProxyEventSink _events;
    private readonly ILogger _logger;

    public ClientSslLayer(IProxyEventSink events, ILogger logger)
    {
        _events = events;
        _logger = logger;
    }

    public async ValueTask<bool> OnAcceptedAsync(ProxyContext ctx)
    {
        var plan = ctx.Plan;
        var counters = plan.Counters.Tls;
        if (plan.ClientTls is not { } material)
        {
            // The certificates could not be loaded: serve nothing in clear.
            if (plan.ReportClientTlsError())
            {
                TlsLog.MaterialFailed(_logger, plan.ClientTlsError!, plan.Name);
            }
            return Refuse(ctx, TlsFailureReason.Other, message: null);
        }
        if (!counters.TryEnter(material.MaxHandshakes))
        {
            return Refuse(ctx, TlsFailureReason.Limit, message: null);
        }
        ClientTlsStream? ssl = null;
        try
        {
            ctx.SetDeadline(material.HandshakeTimeoutMs, TerminationCause.ClientTimeout);
            // The ClientHello is read here first: the certificate is chosen by what it offers (SNI; ECDSA or RSA), then
            // the TLS library gets the same bytes again.
            var (parse, hello, _, read, length) = await ClientHelloReader.ReadAsync(ctx.Client.Stream).ConfigureAwait(false);
            if (parse != Scripting.Wire.Tls.ClientHelloParse.Ok)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(read);
                return Refuse(ctx, parse == Scripting.Wire.Tls.ClientHelloParse.Invalid ? TlsFailureReason.NotTls : TlsFailureReason.Closed, message: null);
            }
            var observer = new HandshakeObserverStream(new ReplayStream(ctx.Client.Stream, read, length));
            ssl = new ClientTlsStream(observer, material) { ClientHello = hello };
            ctx.ClientTls = ssl;
            // CLIENTSSL_CLIENTHELLO: what the client offers, before a certificate is chosen; a rule may pick the
            // certificate (ctx.ssl.certificate), the pool, or end the connection.
            if (_events.IsActive(ctx) && ctx.Rules is not null
                && await _events.OnEventAsync(ProxyEvent.ClientSslClientHello, ctx).ConfigureAwait(false) is not ProxyEventStatus.Continue and var hello1)
            {
                ctx.ClearDeadline();
                await Rules.RuleOutcome.EndAsync(ctx, hello1).ConfigureAwait(false);
                ssl.Dispose();
                return false;
            }
            var options = ssl.ChosenCertificate ?? material.For(hello!.ServerName, hello.OffersEcdsa);
            await ssl.AuthenticateAsServerAsync(options, CancellationToken.None).ConfigureAwait(false);
            ctx.ClearDeadline();
            counters.Handshake(observer.Resumed);
            ssl.Resumed = observer.Resumed;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var reason = TlsFailures.Classify(ex, out var message);
            if (ssl?.CertificateFailure is { } refused)
            {
                reason = refused;
                message = "client certificate " + ssl.VerifyResult;
            }
            ssl?.Dispose();
            return Refuse(ctx, reason, message);
        }
        finally
        {
            counters.Exit();
        }
        ctx.Client.Wrap(ssl);
        // CLIENTSSL_HANDSHAKE: the session is up (ctx.ssl has the protocol, suite, client certificate); a rule may pick
        // the pool or end the connection before any byte of the protocol is read.
        if (_events.IsActive(ctx) && ctx.Rules is not null
            && await _events.OnEventAsync(ProxyEvent.ClientSslHandshake, ctx).ConfigureAwait(false) is not ProxyEventStatus.Continue and var done)
        {
            await Rules.RuleOutcome.EndAsync(ctx, done).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Every refused handshake ends here: counted by reason (a deadline that fired wins over what the read saw), logged
    /// when the TLS library said why, and the connection failed with the matching termination cause.
    /// </summary>
    private bool Refuse(ProxyContext ctx, TlsFailureReason reason, string? message)
    {
        if (ctx.Cause == TerminationCause.ClientTimeout)
        {
            reason = TlsFailureReason.Timeout;
        }
        ctx.Plan.Counters.Tls.Failed(reason);
        if (message is not null)
        {
            TlsLog.HandshakeFailed(_logger, ctx.Plan.Name, ctx.ClientEndPoint.ToString(), TlsFailureReasons.Names[(int)reason], message);
        }
        ctx.Fail(reason switch
        {
            TlsFailureReason.Timeout => TerminationCause.ClientTimeout,
            TlsFailureReason.Closed => TerminationCause.ClientClosed,
            TlsFailureReason.Limit => TerminationCause.Resource,
            _ => TerminationCause.ClientTls,
        });
        return false;
    }
}
