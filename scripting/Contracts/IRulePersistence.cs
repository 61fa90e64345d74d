namespace Fulcrum.Scripting.Contracts;

/// <summary>
/// Persistence chosen by the rule for this request (connection at L4). The proxy applies it with the virtual server's
/// persistence profile of that method when it has one, otherwise with a default profile of its own, asked before the
/// virtual's other profiles. A timeout of 0 means the profile's.
/// </summary>
public interface IRulePersistence
{
    /// <summary>Stick by client address (under the profile's mask).</summary>
    void Source(int timeoutMs);

    /// <summary>Stick by an inserted cookie (the proxy's cookie persistence), optionally named.</summary>
    void Cookie(string? name, int timeoutMs);

    /// <summary>Stick by any key the rule computes (iRules <c>persist uie</c>).</summary>
    void Universal(string key, int timeoutMs);

    /// <summary>Forget the rule's persistence for this request (the virtual server's own profiles still apply).</summary>
    void None();
}
