namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>How a bundle is applied.</summary>
public enum ImportMode
{
    /// <summary>Show the diff (as a replace would make it) and every problem; change nothing.</summary>
    DryRun,
    /// <summary>The running config becomes exactly the bundle's (plus the built-ins).</summary>
    Replace,
    /// <summary>Add and update the bundle's objects; remove nothing.</summary>
    Merge,
}
