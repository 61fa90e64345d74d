using System.Collections.Frozen;
using Fulcrum.Appliance.Balancing;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// Runs the <see cref="HealthMonitor"/>: one loop that sleeps until the next check is due (or until woken by a config
/// change), then starts the due probes. Probes are async socket or process operations on the shared thread pool and
/// never block a thread; the global slot cap bounds how many run at once, however many members there are.
/// </summary>
internal sealed class HealthMonitorService : BackgroundService
{
    private readonly HealthMonitor _monitor;
    private readonly BalancingState _balancing;
    private readonly SemaphoreSlim _wake = new(0, 1);

    public HealthMonitorService(HealthMonitor monitor, BalancingState balancing)
    {
        _monitor = monitor;
        _balancing = balancing;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _balancing.Changed += OnChanged;
        _monitor.Wake += Signal;
        try
        {
            _monitor.Reconcile();
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = _monitor.RunDue();
                await _wake.WaitAsync(delay, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _balancing.Changed -= OnChanged;
            _monitor.Wake -= Signal;
            _monitor.StopAll();
        }
    }

    private void OnChanged(FrozenDictionary<string, PoolState> pools) => _monitor.Reconcile();

    private void Signal()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}
