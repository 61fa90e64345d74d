using System.Net;
using System.Net.NetworkInformation;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// <c>icmp</c>: one echo request with <see cref="Ping"/>. As root .NET uses a raw ICMP socket; otherwise an
/// unprivileged ICMP datagram socket where <c>net.ipv4.ping_group_range</c> allows it, else the <c>ping</c> program.
/// The port of the target is ignored.
/// </summary>
internal sealed class IcmpProbe : IHealthProbe
{
    private static readonly byte[] Payload = "fulcrum-icmp-monitor"u8.ToArray();

    public string Type => MonitorTypes.Icmp;

    public async ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken)
    {
        using var ping = new Ping();
        try
        {
            var reply = await ping.SendPingAsync(target.Address, monitor.Timeout, Payload, null, cancellationToken);
            return reply.Status switch
            {
                IPStatus.Success => ProbeResult.Up(),
                IPStatus.TimedOut or IPStatus.TimeExceeded => ProbeResult.Down($"{Type}: timed out"),
                IPStatus.DestinationHostUnreachable => ProbeResult.Down($"{Type}: host unreachable"),
                IPStatus.DestinationNetworkUnreachable => ProbeResult.Down($"{Type}: network unreachable"),
                var s => ProbeResult.Down($"{Type}: {s}"),
            };
        }
        catch (PingException ex)
        {
            return ProbeResult.Down($"{Type}: {(ex.InnerException ?? ex).Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Down($"{Type}: timed out");
        }
    }
}
