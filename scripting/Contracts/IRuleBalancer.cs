namespace Fulcrum.Scripting.Contracts;

/// <summary>The rule's say in load balancing. The proxy applies the choice when it picks a member for this request.</summary>
public interface IRuleBalancer
{
    bool PoolExists(string pool);

    /// <summary>Use <paramref name="pool"/> for this request (or connection on L4); with <paramref name="member"/> (<c>ip:port</c>) that member.</summary>
    void SelectPool(string pool, string? member);

    /// <summary>
    /// Connect to this address: the pool member with it if some pool has one, otherwise the node itself (outside every
    /// pool; <see cref="Selected"/> then names the pool <c>-</c>).
    /// </summary>
    void SelectMember(string address, int port);

    /// <summary>
    /// The key source-hash and consistent-hash pools with <c>hashKey: rule</c> hash instead of the client address, for
    /// this request (connection at L4); null goes back to the client address.
    /// </summary>
    void HashKey(string? key);

    /// <summary>In LB_SELECTED / LB_FAILED: pick again (with the pool or member chosen since).</summary>
    void Reselect();

    /// <summary>The pool and member picked: <c>pool ip:port</c> (<c>- ip:port</c> for a node outside pools), or null before the pick.</summary>
    string? Selected { get; }

    /// <summary>Mark the picked member down until its monitor next sees it up.</summary>
    void MarkDown();

    /// <summary>Members of <paramref name="pool"/> that can take traffic now; -1 when there is no such pool.</summary>
    int ActiveMembers(string pool);
}
