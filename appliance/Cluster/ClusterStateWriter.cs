using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.DataPlane.Listeners;
using Fulcrum.Appliance.Management;

namespace Fulcrum.Appliance.Cluster;

/// <summary>Keeps <see cref="ClusterStateFile"/> current: after every publish and once a second (the heartbeat the check reads).</summary>
internal sealed class ClusterStateWriter : IHostedService, IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly RuntimeModel _runtime;
    private readonly ListenerManager _listeners;
    private readonly ConfigStore _store;
    private readonly string _dataDir;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private ITimer? _timer;
    private bool _stopped;

    public ClusterStateWriter(RuntimeModel runtime, ListenerManager listeners, ConfigStore store, ManagementOptions options, TimeProvider time)
    {
        _runtime = runtime;
        _listeners = listeners;
        _store = store;
        _dataDir = options.DataDir;
        _time = time;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _runtime.Published += OnPublished;
        _timer = _time.CreateTimer(_ => Write(), null, TimeSpan.Zero, Period);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _runtime.Published -= OnPublished;
        lock (_gate)
        {
            _stopped = true;
            try
            {
                // A stopped box is not a healthy one: the check must fail at once, not after the file goes stale.
                File.Delete(ClusterStateFile.PathIn(_dataDir));
            }
            catch (IOException)
            {
            }
        }
        return Task.CompletedTask;
    }

    // Listeners reconcile on the same event; they were subscribed first, so their states are already the new ones.
    private void OnPublished(RuntimeSnapshot snapshot) => Write();

    private void Write()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            var snapshot = _runtime.Current;
            var listeners = _listeners.Listeners.Values
                .OrderBy(l => l.Name, StringComparer.Ordinal)
                .Select(l => new ClusterStateFile.ListenerEntry(l.Name, l.EndPoint.ToString(), l.State, l.Error))
                .ToList();
            try
            {
                var state = new ClusterStateFile { Pid = Environment.ProcessId, Generation = snapshot.Generation, Written = _time.GetUtcNow(), Listeners = listeners };
                var stored = _store.List(1) is [var latest, ..] ? latest.Generation : 0;
                var reason = ClusterCheck.Evaluate(state, stored, snapshot.Config, state.Written, _ => true);
                (state with { Healthy = reason is null, Reason = reason }).WriteTo(_dataDir);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                // The next tick tries again; a file that stays stale fails the check, which is the right outcome.
            }
        }
    }

    public void Dispose() => _timer?.Dispose();
}
