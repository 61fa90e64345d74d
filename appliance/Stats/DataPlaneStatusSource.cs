using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Listeners;

namespace Fulcrum.Appliance.Stats;

/// <summary>Adds listener state (with the OS error of a failed bind) and traffic counters to /api/v1/status.</summary>
public sealed class DataPlaneStatusSource : IStatusSource
{
    private readonly ListenerManager _listeners;
    private readonly DataPlaneCounters _counters;
    private readonly BalancingState _balancing;

    private readonly DataPlane.Transport.ITransport _transport;

    public DataPlaneStatusSource(ListenerManager listeners, DataPlaneCounters counters, BalancingState balancing, DataPlane.Transport.ITransport transport)
    {
        _transport = transport;
        _listeners = listeners;
        _counters = counters;
        _balancing = balancing;
    }

    public void Fill(ApplianceStatus status)
    {
        var dp = new DataPlaneStatus
        {
            Transport = _transport.Name,
            Loops = _transport.Loops,
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: false),
            Gen0Collections = GC.CollectionCount(0),
            Gen1Collections = GC.CollectionCount(1),
            Gen2Collections = GC.CollectionCount(2),
            AvailableCongestionControl = [.. DataPlane.Transport.SocketOptions.KernelTcp.AvailableCongestionControl()],
            DefaultCongestionControl = DataPlane.Transport.SocketOptions.KernelTcp.DefaultCongestionControl(),
        };
        if (_transport is DataPlane.Transport.Epoll.EpollTransport epoll)
        {
            foreach (var loop in epoll.EventLoops)
            {
                dp.LoopStats.Add(new LoopStatus { Loop = loop.Index, Events = loop.EventsHandled, Waits = loop.Waits });
            }
        }
        status.DataPlane = dp;
        var listeners = _listeners.Listeners;
        foreach (var v in status.Virtuals)
        {
            if (listeners.TryGetValue(v.Name, out var listener) && v.Enabled)
            {
                v.State = listener.State;
                v.Error = listener.Error;
            }
            if (listeners.TryGetValue(v.Name, out var live))
            {
                var tcp = _counters.Tcp(v.Name);
                var plan = live.Plan;
                v.Tcp = new VirtualTcpStatus
                {
                    ClientSide = tcp.ClientSide.Status(plan.ClientTcp.Profile.Name),
                    ServerSide = tcp.ServerSide.Status(plan.ServerTcp.Profile.Name),
                };
            }
            var c = _counters.Virtual(v.Name);
            v.CurrentConnections = c.CurrentConnections;
            v.TotalConnections = c.TotalConnections;
            v.Requests = c.Requests;
            v.BytesIn = c.BytesIn;
            v.BytesOut = c.BytesOut;
            v.Errors = c.ErrorsByName();
            if (c.TlsOrNull is { } tls)
            {
                v.Tls = new VirtualTlsStatus { Handshakes = tls.Handshakes, Resumptions = tls.Resumptions, InFlight = tls.InFlight, Failures = tls.FailuresByName() };
            }
        }
        var pools = _balancing.Pools;
        foreach (var p in status.Pools)
        {
            var c = _counters.Pool(p.Name);
            p.CurrentConnections = c.CurrentConnections;
            p.TotalConnections = c.TotalConnections;
            p.Requests = c.Requests;
            p.BytesIn = c.BytesIn;
            p.BytesOut = c.BytesOut;
            p.Errors = c.ErrorsByName();
            if (!pools.TryGetValue(p.Name, out var live))
            {
                continue;
            }
            foreach (var m in p.Members)
            {
                foreach (var state in live.Members)
                {
                    if (state.Config.Config.Address == m.Address && state.Config.Config.Port == m.Port)
                    {
                        var mc = _counters.Member(state);
                        m.Requests = mc.Requests;
                        m.BytesIn = mc.BytesIn;
                        m.BytesOut = mc.BytesOut;
                        m.Errors = mc.ErrorsByName();
                    }
                }
            }
        }
    }
}
