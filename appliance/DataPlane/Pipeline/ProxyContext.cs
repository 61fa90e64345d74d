using System.Diagnostics;
using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// One client connection's state across both sides: the plan it was accepted with, the addresses (after any PROXY
/// header from a trusted front), the current server side, the deadline the sweeper enforces and the first
/// termination cause. This is what rules will see as <c>ctx</c>.
/// </summary>
public sealed class ProxyContext : Timed
{
    private long _deadline;
    private int _timeoutCause;
    private int _cause;
    private ProxySide? _server;

    public ProxyContext(VirtualPlan plan, ProxySide client, IPEndPoint clientEndPoint, IPEndPoint localEndPoint)
    {
        Plan = plan;
        Client = client;
        ClientEndPoint = clientEndPoint;
        LocalEndPoint = localEndPoint;
        AcceptedTimestamp = Stopwatch.GetTimestamp();
        AcceptedAt = DateTimeOffset.UtcNow;
        Balancing = new DataPlane.Selection.ConnectionBalancing(this);
    }

    /// <summary>Persistence, hash keys and the service-down watch for this connection; rules set keys here.</summary>
    public DataPlane.Selection.ConnectionBalancing Balancing { get; }

    public VirtualPlan Plan { get; }

    public ProxySide Client { get; }

    /// <summary>The client as the member should see it (PROXY protocol, X-Forwarded-For, transparent bind).</summary>
    public IPEndPoint ClientEndPoint { get; set; }

    /// <summary>The address the client connected to (the virtual's destination, or the PROXY header's destination).</summary>
    public IPEndPoint LocalEndPoint { get; set; }

    public long AcceptedTimestamp { get; }

    public DateTimeOffset AcceptedAt { get; }

    public PoolState? Pool { get; set; }

    public TrafficCounters? PoolCounters { get; set; }

    /// <summary>The member of the current server side, for rules and logs.</summary>
    public MemberState? Member { get; set; }

    /// <summary>The current server side (aborted with the client side on a timeout).</summary>
    public ProxySide? Server
    {
        get => Volatile.Read(ref _server);
        set => Volatile.Write(ref _server, value);
    }

    /// <summary>The client side's TLS stream once its ClientHello is read (client-ssl virtuals); rules read <c>ctx.ssl</c> from it.</summary>
    public Tls.ClientTlsStream? ClientTls { get; set; }

    /// <summary>The connection's rules (null when its virtual has none).</summary>
    public Rules.RuleSession? Rules { get; set; }

    public TerminationCause Cause => (TerminationCause)Volatile.Read(ref _cause);

    public override long Deadline => Volatile.Read(ref _deadline);

    /// <summary>Records why the connection ends; the first cause wins (a reset that follows a timeout stays a timeout).</summary>
    public void Fail(TerminationCause cause) => Interlocked.CompareExchange(ref _cause, (int)cause, 0);

    /// <summary>Arms the deadline <paramref name="milliseconds"/> from now; 0 disarms it.</summary>
    public void SetDeadline(long milliseconds, TerminationCause cause)
    {
        _timeoutCause = (int)cause;
        Volatile.Write(ref _deadline, milliseconds <= 0 ? 0 : Environment.TickCount64 + milliseconds);
    }

    public void ClearDeadline() => Volatile.Write(ref _deadline, 0);

    public override void Expire()
    {
        var cause = (TerminationCause)_timeoutCause;
        Fail(cause);
        Volatile.Write(ref _deadline, 0);
        if (cause == TerminationCause.ServerTimeout && Server is { } server)
        {
            // Only the member is late: abort its side and let the protocol answer the client (504 at L7).
            server.Abort();
            return;
        }
        // Each side's tcp profile says whether its peer sees a reset or a FIN (resetOnTimeout). FIN sides are marked
        // first, so the clean-up that a reset side's failure starts closes them with FIN too.
        var live = Server;
        var clientReset = Plan.ClientTcp.Profile.ResetOnTimeout;
        var serverReset = Plan.ServerTcp.Profile.ResetOnTimeout;
        if (!clientReset)
        {
            Client.PreferFin();
        }
        if (!serverReset)
        {
            live?.PreferFin();
        }
        if (clientReset)
        {
            Client.Abort();
        }
        if (serverReset)
        {
            live?.Abort();
        }
        if (!clientReset)
        {
            Client.CloseWithFin();
        }
        if (!serverReset)
        {
            live?.CloseWithFin();
        }
    }
}
