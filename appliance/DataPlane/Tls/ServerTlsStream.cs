using System.Net.Security;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// The SslStream toward a member, carrying what SERVERSSL_HANDSHAKE rules read that SslStream does not keep: the SNI
/// sent, whether the member's certificate was checked, and whether the session was resumed (read from the member's
/// first flight).
/// </summary>
public sealed class ServerTlsStream : SslStream
{
    private readonly HandshakeObserverStream _observer;

    private ServerTlsStream(HandshakeObserverStream observer, string? serverName, bool verified)
        : base(observer, leaveInnerStreamOpen: true)
    {
        _observer = observer;
        ServerName = serverName;
        Verified = verified;
    }

    public ServerTlsStream(Stream inner, string? serverName, bool verified)
        : this(new HandshakeObserverStream(inner, observeReads: true), serverName, verified)
    {
    }

    public string? ServerName { get; }

    /// <summary>Whether the profile checked the member's certificate (verifyServer); a handshake that finished passed it.</summary>
    public bool Verified { get; }

    public bool Resumed => _observer.Resumed;
}
