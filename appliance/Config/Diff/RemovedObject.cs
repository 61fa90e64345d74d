namespace Fulcrum.Appliance.Config.Diff;

/// <summary>An object present only on the old side.</summary>
public sealed record RemovedObject(string Kind, string Name);
