using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Stats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Listeners;

/// <summary>
/// Keeps one listener per enabled standard virtual server, following each published runtime snapshot: new virtual →
/// bind; changed destination → close the old socket and bind the new one; other changes → swap the plan; disabled or
/// removed → close. Nothing here touches an accepted connection. A failed bind is retried on the next publish and
/// every few seconds, so freeing the address brings the virtual up without another change.
/// </summary>
public sealed class ListenerManager : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(5);

    private readonly RuntimeModel _runtime;
    private readonly ConnectionHandler _handler;
    private readonly DataPlaneCounters _counters;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private Dictionary<string, VirtualListener> _listeners = new(StringComparer.Ordinal);
    private Timer? _retry;
    private bool _stopped;

    private readonly Transport.ITransport _transport;

    public ListenerManager(RuntimeModel runtime, ConnectionHandler handler, DataPlaneCounters counters, Transport.ITransport transport, ILogger<ListenerManager> logger)
    {
        _transport = transport;
        _runtime = runtime;
        _handler = handler;
        _counters = counters;
        _logger = logger;
    }

    /// <summary>The listeners as of the last reconcile (read by the status source; never mutated after publication).</summary>
    public IReadOnlyDictionary<string, VirtualListener> Listeners => Volatile.Read(ref _listeners);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _runtime.Published += Reconcile;
        Reconcile(_runtime.Current);
        _retry = new Timer(_ => Reconcile(_runtime.Current), null, RetryPeriod, RetryPeriod);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _runtime.Published -= Reconcile;
        lock (_gate)
        {
            _stopped = true;
            foreach (var l in _listeners.Values)
            {
                l.Stop();
            }
        }
        return Task.CompletedTask;
    }

    private void Reconcile(RuntimeSnapshot snapshot)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            var current = _listeners;
            var next = new Dictionary<string, VirtualListener>(StringComparer.Ordinal);
            var toStart = new List<VirtualListener>();
            var keep = new HashSet<VirtualListener>(ReferenceEqualityComparer.Instance);
            foreach (var v in snapshot.Virtuals.Values)
            {
                if (v.Config.Type != VirtualServerTypes.Standard || v.Config.Protocol != "tcp" || !v.Config.Enabled)
                {
                    continue;
                }
                if (current.TryGetValue(v.Name, out var existing) && existing.EndPoint.Equals(v.Destination))
                {
                    var plan = existing.Plan;
                    if (!ReferenceEquals(plan.Runtime, v) || plan.Snapshot.Generation != snapshot.Generation)
                    {
                        existing.Update(new VirtualPlan(v, snapshot, _counters.Virtual(v.Name), plan.Snat, _counters.Tcp(v.Name)));
                        DataPlaneLog.ListenerReconfigured(_logger, v.Name, snapshot.Generation);
                    }
                    if (existing.State == ListenerState.Error)
                    {
                        toStart.Add(existing);
                    }
                    keep.Add(existing);
                    next[v.Name] = existing;
                    continue;
                }
                var listener = new VirtualListener(new VirtualPlan(v, snapshot, _counters.Virtual(v.Name), null, _counters.Tcp(v.Name)), _handler, _transport, _logger);
                toStart.Add(listener);
                next[v.Name] = listener;
            }
            // Close first, then bind: a destination that moves from one virtual to another in the same change is free by then.
            foreach (var listener in current.Values)
            {
                if (!keep.Contains(listener))
                {
                    listener.Stop();
                }
            }
            foreach (var listener in toStart)
            {
                listener.Start();
            }
            Volatile.Write(ref _listeners, next);
        }
    }

    public void Dispose() => _retry?.Dispose();
}
