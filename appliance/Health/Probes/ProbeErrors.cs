using System.Globalization;
using System.Net.Sockets;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>Turns socket errors and timeouts into the short reasons operators read in the status (<c>tcp: connection refused</c>).</summary>
internal static class ProbeErrors
{
    public static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.ConnectionAborted => "connection aborted",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.HostDown => "host down",
        SocketError.AddressNotAvailable => "address not available",
        SocketError.AccessDenied => "access denied",
        _ => ex.Message.ToLowerInvariant(),
    };

    public static string NoAnswer(CompiledMonitor monitor) =>
        string.Create(CultureInfo.InvariantCulture, $"{monitor.Type}: no answer within {monitor.Config.Timeout}s");

    public static string NoPort(CompiledMonitor monitor) =>
        $"{monitor.Type}: no port to probe (a node monitor of this type needs destination *:PORT)";
}
