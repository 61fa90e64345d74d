using Fulcrum.Packet.Balancing;
using Fulcrum.Packet.Capture;
using Fulcrum.Packet.Forwarding;

namespace Fulcrum.Packet;

/// <summary>
/// Packet mode's entry point: <see cref="Apply"/> with the current performance-l4 virtual servers starts, keeps or
/// stops their forwarders (a virtual whose <see cref="PacketVirtual.Signature"/> is unchanged keeps its flows).
/// A virtual that cannot run (an interface missing, no libpcap, ip_forward on) is reported in <see cref="Errors"/>.
/// </summary>
public sealed class PacketEngine : IDisposable
{
    private readonly object _lock = new();
    private readonly IFlowBalancer _balancer;
    private Dictionary<string, (string Signature, VirtualRunner Runner)> _running = new(StringComparer.Ordinal);
    private Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    public PacketEngine(IFlowBalancer balancer)
    {
        _balancer = balancer;
    }

    /// <summary>The path of the IPv4 forwarding switch (a test may point it elsewhere).</summary>
    public string IpForwardPath { get; init; } = "/proc/sys/net/ipv4/ip_forward";

    public IReadOnlyDictionary<string, string> Errors { get { lock (_lock) { return new Dictionary<string, string>(_errors); } } }

    public IReadOnlyList<VirtualForwarder> Forwarders { get { lock (_lock) { return [.. _running.Values.Select(r => r.Runner.Forwarder)]; } } }

    public void Apply(IReadOnlyList<PacketVirtual> virtuals)
    {
        lock (_lock)
        {
            var next = new Dictionary<string, (string, VirtualRunner)>(StringComparer.Ordinal);
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var v in virtuals)
            {
                if (_running.Remove(v.Name, out var existing))
                {
                    if (existing.Signature == v.Signature)
                    {
                        next[v.Name] = existing;
                        continue;
                    }
                    existing.Runner.Dispose();
                }
                try
                {
                    CheckHost();
                    next[v.Name] = (v.Signature, new VirtualRunner(v, _balancer));
                }
                catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or SharpPcap.PcapException or IOException or UnauthorizedAccessException)
                {
                    errors[v.Name] = e.Message;
                }
            }
            foreach (var (_, old) in _running)
            {
                old.Runner.Dispose();
            }
            _running = next;
            _errors = errors;
        }
    }

    public void Dispose() => Apply([]);

    /// <summary>
    /// Kernel forwarding must be off: the forwarder sees copies of frames, and with ip_forward=1 the kernel would
    /// also route the client's packets and the members' un-translated replies (PACKET-NOTES).
    /// </summary>
    private void CheckHost()
    {
        if (File.Exists(IpForwardPath) && File.ReadAllText(IpForwardPath).Trim() != "0")
        {
            throw new InvalidOperationException("net.ipv4.ip_forward is 1: the kernel would forward the packets packet mode forwards; set it to 0 (sysctl -w net.ipv4.ip_forward=0)");
        }
    }
}
