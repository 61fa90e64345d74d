using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// A pool's live state for one config generation: its member states (shared with other generations) and its
/// method instance. Replaced whole when the config changes.
/// </summary>
public sealed class PoolState
{
    private readonly ILoadBalancingMethod _method;

    public PoolState(RuntimePool config, MemberState[] members, ILoadBalancingMethod method)
    {
        Config = config;
        Members = members;
        _method = method;
    }

    public RuntimePool Config { get; }

    public string Name => Config.Name;

    public IReadOnlyList<MemberState> Members { get; }

    public int ActiveMembers
    {
        get
        {
            var n = 0;
            foreach (var m in Members)
            {
                if (m.IsActive)
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <summary>Picks a member for a new connection, or null when none is selectable.</summary>
    public MemberState? Pick(in PickContext context)
    {
        var members = (MemberState[])Members;
        Span<int> scratch = members.Length <= 256 ? stackalloc int[members.Length] : new int[members.Length];
        var count = 0;
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i].IsSelectable && !ReferenceEquals(members[i], context.Exclude))
            {
                scratch[count++] = i;
            }
        }
        if (count == 0)
        {
            return null;
        }
        if (count == members.Length)
        {
            return _method.Pick(members, context);
        }
        var candidates = new MemberState[count];
        for (var i = 0; i < count; i++)
        {
            candidates[i] = members[scratch[i]];
        }
        return _method.Pick(candidates, context);
    }
}
