using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.DataPlane.Listeners;

namespace Fulcrum.Appliance.Cluster;

/// <summary>
/// The health keepalived tracks: the appliance process is alive and not hung (its state file is fresh), it runs the
/// generation the store holds as current, and every enabled standard virtual server is listening.
/// </summary>
public static class ClusterCheck
{
    /// <summary>Three missed heartbeats (written every second) mean the process hangs.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(3);

    /// <returns>Null when healthy, else why not.</returns>
    public static string? Evaluate(ClusterStateFile? state, long storedGeneration, FulcrumConfig stored, DateTimeOffset now, Func<int, bool> processAlive)
    {
        if (state is null)
        {
            return "no cluster state file: the appliance is not running on this data directory";
        }
        if (!processAlive(state.Pid))
        {
            return $"the appliance process {state.Pid} is gone";
        }
        var age = now - state.Written;
        if (age > MaxAge)
        {
            return $"the appliance's state is {age.TotalSeconds:0.0} s old: the process hangs";
        }
        if (state.Generation != storedGeneration)
        {
            return $"the appliance runs generation {state.Generation}, the store's current one is {storedGeneration}";
        }
        var byName = state.Listeners.ToDictionary(l => l.Name, StringComparer.Ordinal);
        foreach (var v in stored.Virtuals.Where(v => v.Enabled && v.Type == VirtualServerTypes.Standard).OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(v.Name, out var l))
            {
                return $"virtual {v.Name} ({v.Destination}) has no listener";
            }
            if (l.State != ListenerState.Listening)
            {
                return $"virtual {v.Name} ({v.Destination}) is {l.State}{(l.Error is null ? "" : ": " + l.Error)}";
            }
        }
        return null;
    }

    /// <summary>Alive and not a zombie (a killed process stays in /proc until its parent reaps it).</summary>
    public static bool ProcessAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return pid > 0 && close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
