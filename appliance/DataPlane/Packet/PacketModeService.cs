using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Stats;
using Fulcrum.Packet;

namespace Fulcrum.Appliance.DataPlane.Packet;

/// <summary>
/// Serves performance-l4 virtual servers with packet mode (the listeners leave them alone): on every published
/// snapshot the enabled ones are described to <see cref="PacketEngine"/> (interfaces, members, table size, what a
/// down member's flows do), and their state and counters join the status report.
/// </summary>
public sealed class PacketModeService : IHostedService, IStatusSource, IDisposable
{
    private readonly RuntimeModel _runtime;
    private readonly PacketEngine _engine;

    public PacketModeService(RuntimeModel runtime, FlowBalancer balancer)
    {
        _runtime = runtime;
        _engine = new PacketEngine(balancer);
    }

    public PacketEngine Engine => _engine;

    /// <summary>The API name of a forwarding method.</summary>
    public static string Forwarding(PacketForwarding forwarding) => forwarding switch
    {
        PacketForwarding.Dr => PacketForwardings.Dr,
        PacketForwarding.Tun => PacketForwardings.Tun,
        PacketForwarding.FullNat => PacketForwardings.FullNat,
        _ => PacketForwardings.Nat,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _runtime.Published += Apply;
        Apply(_runtime.Current);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _runtime.Published -= Apply;
        _engine.Apply([]);
        return Task.CompletedTask;
    }

    public void Dispose() => _engine.Dispose();

    private void Apply(RuntimeSnapshot snapshot)
    {
        var list = new List<PacketVirtual>();
        foreach (var v in snapshot.Virtuals.Values)
        {
            var c = v.Config;
            if (c.Type != VirtualServerTypes.PerformanceL4 || !c.Enabled || c.ClientInterface is null)
            {
                continue;
            }
            list.Add(new PacketVirtual
            {
                Name = c.Name,
                Destination = v.Destination,
                Protocol = c.Protocol == "udp" ? PacketProtocol.Udp : PacketProtocol.Tcp,
                Forwarding = c.Forwarding switch
                {
                    PacketForwardings.Dr => PacketForwarding.Dr,
                    PacketForwardings.Tun => PacketForwarding.Tun,
                    PacketForwardings.FullNat => PacketForwarding.FullNat,
                    _ => PacketForwarding.Nat,
                },
                ClientInterface = c.ClientInterface,
                ServerInterface = c.ServerInterface ?? c.ClientInterface,
                Members = v.Pool is null ? [] : [.. v.Pool.Members.Select(m => m.EndPoint)],
                TableLimit = c.ConnectionLimit > 0 ? c.ConnectionLimit : 1 << 20,
                ResetOnMemberDown = v.Pool?.Config.ServiceDownAction == ServiceDownActions.Reset,
                SnatAddresses = c.Forwarding == PacketForwardings.FullNat ? [.. c.SnatPool.Select(System.Net.IPAddress.Parse)] : [],
            });
        }
        _engine.Apply(list);
    }

    public void Fill(ApplianceStatus status)
    {
        var errors = _engine.Errors;
        var forwarders = _engine.Forwarders.ToDictionary(f => f.Config.Name, StringComparer.Ordinal);
        foreach (var v in status.Virtuals)
        {
            if (errors.TryGetValue(v.Name, out var error))
            {
                v.State = "error";
                v.Error = error;
            }
            else if (forwarders.TryGetValue(v.Name, out var f))
            {
                v.State = "forwarding";
                v.CurrentConnections = f.ActiveFlows;
                v.TotalConnections = f.Counters.TotalFlows;
                v.BytesIn = f.Counters.InBytes;
                v.BytesOut = f.Counters.OutBytes;
                v.Packet = new PacketVirtualStatus
                {
                    Forwarding = Forwarding(f.Config.Forwarding),
                    PacketsIn = f.Counters.InPackets,
                    PacketsOut = f.Counters.OutPackets,
                    ToaNoSpace = f.Counters.ToaNoSpace,
                    Members = [.. f.Members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new PacketMemberStatus
                    {
                        Member = m.Key,
                        Connections = m.Value.TotalFlows,
                        PacketsIn = m.Value.InPackets,
                        BytesIn = m.Value.InBytes,
                        PacketsOut = m.Value.OutPackets,
                        BytesOut = m.Value.OutBytes,
                    })],
                };
                foreach (var reason in Enum.GetValues<DropReason>())
                {
                    var n = f.Counters.Dropped(reason);
                    if (n > 0)
                    {
                        v.Errors["packet-" + DropNames.Of(reason)] = n;
                    }
                }
            }
        }
    }
}
