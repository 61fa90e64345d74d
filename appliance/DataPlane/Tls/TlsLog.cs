using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Tls;

/// <summary>Data-plane TLS log events (ids 8100–8199 in <see cref="EventIds"/>).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventIds.TlsHandshakeFailed, LogLevel.Debug, "Virtual server {Virtual}: TLS handshake from {Client} failed ({Reason}): {Error}")]
    public static partial void HandshakeFailed(ILogger logger, string @virtual, string client, string reason, string error);

    [LoggerMessage(EventIds.TlsServerHandshakeFailed, LogLevel.Warning, "Virtual server {Virtual}: TLS handshake toward member {Member} failed: {Error}")]
    public static partial void ServerHandshakeFailed(ILogger logger, string @virtual, string member, string error);

    [LoggerMessage(EventIds.TlsMaterialFailed, LogLevel.Error, "Virtual server {Virtual}: its client-ssl certificates cannot be loaded; connections are closed until the config is fixed")]
    public static partial void MaterialFailed(ILogger logger, Exception exception, string @virtual);
}
