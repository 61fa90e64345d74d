namespace Fulcrum.Scripting.Contracts;

/// <summary>Data groups by name, as of the configuration a rule set was built from.</summary>
public interface IDataGroupProvider
{
    IRuleDataGroup? Find(string name);
}

/// <summary>A data group indexed for lookups (see <see cref="DataGroups.DataGroupIndex"/>).</summary>
public interface IRuleDataGroup
{
    string Name { get; }

    /// <summary>String groups: exact key; address groups: the longest CIDR prefix holding the address; integer: equal number.</summary>
    bool Match(string key);

    /// <summary>True when some key is a prefix of <paramref name="s"/>.</summary>
    bool StartsWith(string s);

    /// <summary>True when some key is a suffix of <paramref name="s"/>.</summary>
    bool EndsWith(string s);

    /// <summary>True when some key occurs in <paramref name="s"/>.</summary>
    bool Contains(string s);

    /// <summary>The value of the matching record (longest prefix for address groups), or null.</summary>
    string? Value(string key);
}
