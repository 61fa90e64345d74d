namespace Fulcrum.Appliance.Config.Diff;

/// <summary>
/// What it takes to go from one configuration to another: objects added, changed and removed, each list in
/// <see cref="ConfigKinds.All"/> order and then by name. The API's generation diff and bundle dry runs both return this.
/// </summary>
public sealed record ConfigDiff(IReadOnlyList<AddedObject> Added, IReadOnlyList<ChangedObject> Changed, IReadOnlyList<RemovedObject> Removed)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    public DiffCounts Counts => new(Added.Count, Changed.Count, Removed.Count);
}
