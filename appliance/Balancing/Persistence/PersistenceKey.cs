namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>
/// What a persistence record is found by. Names only (never snapshot objects), so a record outlives config
/// generations. <see cref="Scope"/> is the virtual server's name, or <see cref="AcrossVirtuals"/> when the profile
/// matches across virtual servers (every virtual that sends this key to this pool finds the same record).
/// </summary>
public readonly record struct PersistenceKey(string Scope, string Pool, string Profile, string Key)
{
    /// <summary>The scope of records made by a profile with <c>matchAcrossVirtuals</c>; not a valid virtual name.</summary>
    public const string AcrossVirtuals = "*";
}
