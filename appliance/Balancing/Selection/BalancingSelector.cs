using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Selection;

/// <summary>
/// Selection over a <see cref="BalancingRequest"/>, shared by the full proxy and packet mode: table persistence keyed
/// by what the request carries (source address, or the hash key for universal persistence), then the pool's method.
/// Persistence that needs an HTTP request (cookies, header hashes) stays in the proxy's adapter, which calls
/// <see cref="PickFromPool"/> for the method.
/// </summary>
public sealed class BalancingSelector
{
    private readonly PersistenceService _persistence;

    public BalancingSelector(PersistenceService persistence)
    {
        _persistence = persistence;
    }

    /// <summary>The pool's method alone.</summary>
    public static MemberState? PickFromPool(PoolState pool, in BalancingRequest request) => pool.Pick(request.PickContext);

    /// <summary>
    /// The persisted member when <paramref name="persistence"/> has a record for this request and the member may take
    /// the client; otherwise the pool's pick, recorded for next time. Null when no member can take it.
    /// </summary>
    public MemberState? Pick(PoolState pool, in BalancingRequest request, PersistenceProfile? persistence)
    {
        var key = persistence is null ? null : Key(persistence, in request);
        if (key is null)
        {
            return PickFromPool(pool, in request);
        }
        var member = _persistence.Lookup(request.Virtual, pool, persistence!, key);
        if (member is not null && !ReferenceEquals(member, request.Exclude))
        {
            return member;
        }
        member = PickFromPool(pool, in request);
        if (member is not null)
        {
            _persistence.Record(request.Virtual, pool, persistence!, key, member);
        }
        return member;
    }

    /// <summary>The table key of a persistence profile this request can serve; null for profiles that need more.</summary>
    public static string? Key(PersistenceProfile profile, in BalancingRequest request) => profile.Method switch
    {
        PersistenceMethods.SourceAddress when request.ClientAddress is { } client => PersistenceKeys.SourceAddressKey(client, profile.Mask),
        PersistenceMethods.Universal => request.HashKey,
        _ => null,
    };
}
