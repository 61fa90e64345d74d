using System.Net;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// One monitor type (<c>tcp</c>, <c>http</c>, …). An instance is shared by every check of its type and called
/// concurrently; a probe keeps no per-target state. It must stay asynchronous and small: it runs on the shared
/// thread pool, next to the data plane.
/// </summary>
public interface IHealthProbe
{
    /// <summary>The monitor type this probe serves, one of <see cref="Config.Model.MonitorTypes"/>.</summary>
    string Type { get; }

    /// <summary>
    /// Probes <paramref name="target"/> (already resolved from the monitor's destination alias) once. The token is
    /// cancelled at the monitor's timeout; a probe turns that into a down result with its own reason rather than throwing.
    /// </summary>
    ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken);
}
