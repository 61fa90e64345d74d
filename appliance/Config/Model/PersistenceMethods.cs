using System.Collections.Frozen;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Persistence methods of a persistence profile.</summary>
public static class PersistenceMethods
{
    public const string SourceAddress = "source-address";
    public const string Cookie = "cookie";
    public const string Hash = "hash";
    public const string Universal = "universal";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, SourceAddress, Cookie, Hash, Universal);
}
