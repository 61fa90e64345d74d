using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Cluster;

/// <summary>
/// What the running appliance tells <c>fulcrum cluster check</c>, through a file in its data directory rewritten every
/// second: which process, which generation it runs, and each listener's state. A file (not the management API) so that
/// the check needs no credentials and works when the management listener is busy; staleness says the process hangs.
/// </summary>
public sealed record ClusterStateFile
{
    public const string FileName = "cluster-state.json";

    public int Pid { get; init; }
    public long Generation { get; init; }
    public DateTimeOffset Written { get; init; }
    /// <summary>The appliance's own verdict (<see cref="ClusterCheck.Evaluate"/> at <see cref="Written"/>), read by fulcrum-check.sh.</summary>
    public bool Healthy { get; init; }
    /// <summary>Why not, when not healthy.</summary>
    public string? Reason { get; init; }
    public IReadOnlyList<ListenerEntry> Listeners { get; init; } = [];

    public sealed record ListenerEntry(string Name, string Destination, string State, string? Error);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>Written to a temporary file and renamed over the old one, so a reader never sees half a file.</summary>
    public void WriteTo(string dataDir)
    {
        var path = PathIn(dataDir);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Json));
        File.Move(tmp, path, overwrite: true);
    }

    public static ClusterStateFile? ReadFrom(string dataDir)
    {
        var path = PathIn(dataDir);
        if (!File.Exists(path))
        {
            return null;
        }
        return JsonSerializer.Deserialize<ClusterStateFile>(File.ReadAllText(path), Json);
    }
}
