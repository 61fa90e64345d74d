namespace Fulcrum.Appliance.Config.Diff;

/// <summary>How many objects a diff adds, changes and removes.</summary>
public sealed record DiffCounts(int Added, int Changed, int Removed);
