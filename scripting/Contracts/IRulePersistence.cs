namespace Fulcrum.Scripting.Contracts;

/// <summary>Persistence chosen by the rule for this request (replacing the virtual server's profile for it).</summary>
public interface IRulePersistence
{
    /// <summary>Stick by client address.</summary>
    void Source(int timeoutMs);

    /// <summary>Stick by an inserted cookie (the proxy's cookie persistence), optionally named.</summary>
    void Cookie(string? name, int timeoutMs);

    /// <summary>Stick by any key the rule computes (iRules <c>persist uie</c>).</summary>
    void Universal(string key, int timeoutMs);

    /// <summary>No persistence for this request.</summary>
    void None();
}
