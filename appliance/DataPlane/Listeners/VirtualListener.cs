using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Snat;
using Fulcrum.Appliance.DataPlane.Transport;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Listeners;

/// <summary>
/// The listening socket of one virtual server. New connections take the current <see cref="VirtualPlan"/>; a config
/// change swaps the plan (one reference write) without touching accepted connections. Closing the listener stops
/// accepts only: established connections run to their end.
/// </summary>
public sealed class VirtualListener
{
    private readonly ConnectionHandler _handler;
    private readonly ILogger _logger;
    private readonly Action _closed;
    private VirtualPlan _plan;
    private readonly ITransport _transport;
    private readonly Action<TransportSocket> _accepted;
    private ITransportListener? _socket;
    private int _active;

    public VirtualListener(VirtualPlan plan, ConnectionHandler handler, ITransport transport, ILogger logger)
    {
        _transport = transport;
        _accepted = Accepted;
        _plan = plan;
        _handler = handler;
        _logger = logger;
        EndPoint = plan.Runtime.Destination;
        _closed = () => Interlocked.Decrement(ref _active);
    }

    public string Name => Plan.Name;

    public IPEndPoint EndPoint { get; }

    public VirtualPlan Plan => Volatile.Read(ref _plan);

    public string State { get; private set; } = ListenerState.Unknown;

    public string? Error { get; private set; }

    public int Active => Volatile.Read(ref _active);

    public void Update(VirtualPlan plan)
    {
        var before = Volatile.Read(ref _plan);
        Volatile.Write(ref _plan, plan);
        // Accepted sockets inherit the listener's options: a changed client-side profile is set on the listener.
        if (!before.ClientTcp.Profile.Equals(plan.ClientTcp.Profile))
        {
            _socket?.Reconfigure(plan.ClientTcp);
        }
    }

    /// <summary>Binds and starts accepting; a bind error leaves the listener in <see cref="ListenerState.Error"/> with the OS message.</summary>
    public bool Start()
    {
        if (Plan.Translation == SourceTranslation.Transparent && TransparentProbe.Check() is { } refusal)
        {
            // Refuse the virtual as a whole: every connection would fail, and the operator should see why at once.
            State = ListenerState.Error;
            Error = refusal;
            DataPlaneLog.TransparentRefused(_logger, Name, refusal);
            return false;
        }
        ITransportListener socket;
        try
        {
            socket = _transport.Listen(EndPoint, new ListenOptions(Plan.ClientTcp), _accepted);
        }
        catch (SocketException ex)
        {
            State = ListenerState.Error;
            Error = $"{ex.SocketErrorCode}: {ex.Message}";
            DataPlaneLog.ListenerBindFailed(_logger, Name, EndPoint.ToString(), Error);
            return false;
        }
        _socket = socket;
        State = ListenerState.Listening;
        Error = null;
        DataPlaneLog.ListenerStarted(_logger, Name, EndPoint.ToString());
        return true;
    }

    public void Stop()
    {
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket is not null)
        {
            socket.Dispose();
            DataPlaneLog.ListenerStopped(_logger, Name, EndPoint.ToString());
        }
        State = ListenerState.Disabled;
    }

    /// <summary>A new connection, on the loop that accepted it: the per-virtual limit, then the pipeline.</summary>
    private void Accepted(TransportSocket client)
    {
        var plan = Plan;
        var limit = plan.Runtime.Config.ConnectionLimit;
        if (Interlocked.Increment(ref _active) > limit && limit > 0)
        {
            Interlocked.Decrement(ref _active);
            plan.Counters.Error(TerminationCause.Resource);
            client.Abort();
            return;
        }
        _ = _handler.HandleAsync(client, plan, _closed);
    }
}
