using System.Net.Security;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>
/// The client side's SslStream, carrying what the handshake learnt that SslStream does not keep: the client certificate's
/// verify result and, when the handshake failed because of it, the reason (the certificate callback gets the stream
/// as its sender, so per-connection state lives here, not in the shared options).
/// </summary>
public sealed class ClientTlsStream : SslStream
{
    public ClientTlsStream(Stream inner, ClientTlsMaterial material)
        : base(inner, leaveInnerStreamOpen: true)
    {
        Material = material;
    }

    public ClientTlsMaterial Material { get; }

    /// <summary>The certificate a rule chose in CLIENTSSL_CLIENTHELLO (<c>ctx.ssl.certificate(name)</c>); null: by SNI and key type.</summary>
    public SslServerAuthenticationOptions? ChosenCertificate { get; internal set; }

    /// <summary>Whether the handshake resumed a session (read from the proxy's first flight).</summary>
    public bool Resumed { get; internal set; }

    /// <summary>The ClientHello as read before the handshake (what the certificate was chosen by).</summary>
    public Scripting.Wire.Tls.TlsClientHello? ClientHello { get; internal set; }

    /// <summary><c>none</c> (no certificate asked or sent), <c>ok</c>, or why it was refused: <c>untrusted</c>, <c>revoked</c>, <c>expired</c>, <c>depth</c>, <c>invalid</c>, <c>missing</c>.</summary>
    public string VerifyResult { get; internal set; } = "none";

    /// <summary>Set when the certificate check refused the client (the handshake then fails with it as the reason).</summary>
    public TlsFailureReason? CertificateFailure { get; internal set; }
}
