using System.Collections.Frozen;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Balancing;

/// <summary>
/// A pool's live state for one config generation: its member states (shared with other generations) and its
/// method instance. Replaced whole when the config changes. <see cref="Pick"/> applies, in order: priority-group
/// activation, selectability (state, health, connection limit), the reselect exclusion, slow ramp, then the method.
/// It takes no lock and allocates nothing (per-thread scratch arrays are reused).
/// </summary>
public sealed class PoolState
{
    /// <summary>Weights handed to methods are ratio × this, so a ramping member's share has 1/16 steps even at ratio 1.</summary>
    public const int WeightScale = 16;

    [ThreadStatic] private static Scratch? t_scratch;

    private readonly MemberState[] _members;
    private readonly ILoadBalancingMethod _method;
    private readonly IRandomSource _random;
    private readonly FrozenDictionary<string, MemberState> _byKey;
    // Member positions ordered by priority group, highest first (stable), and where each group starts; the last
    // entry is the member count. Null when priority-group activation is off or there is a single group.
    private readonly int[]? _groupOrder;
    private readonly int[]? _groupStarts;

    public PoolState(RuntimePool config, MemberState[] members, ILoadBalancingMethod method)
        : this(config, members, method, SharedRandomSource.Instance)
    {
    }

    public PoolState(RuntimePool config, MemberState[] members, ILoadBalancingMethod method, IRandomSource random)
    {
        Config = config;
        _members = members;
        _method = method;
        _random = random;
        _byKey = members.ToFrozenDictionary(m => m.Key, StringComparer.Ordinal);
        ServiceDownAction = config.Config.ServiceDownAction switch
        {
            ServiceDownActions.Reset => ServiceDownAction.Reset,
            ServiceDownActions.Reselect => ServiceDownAction.Reselect,
            _ => ServiceDownAction.None,
        };
        if (config.Config.MinActiveMembers > 0 && members.Select(m => m.Config.Config.PriorityGroup).Distinct().Count() > 1)
        {
            _groupOrder = [.. Enumerable.Range(0, members.Length).OrderByDescending(i => members[i].Config.Config.PriorityGroup)];
            var starts = new List<int> { 0 };
            for (var i = 1; i < _groupOrder.Length; i++)
            {
                if (members[_groupOrder[i]].Config.Config.PriorityGroup != members[_groupOrder[i - 1]].Config.Config.PriorityGroup)
                {
                    starts.Add(i);
                }
            }
            starts.Add(members.Length);
            _groupStarts = [.. starts];
        }
        foreach (var m in members)
        {
            m.Attach(method);
        }
    }

    public RuntimePool Config { get; }

    public string Name => Config.Name;

    public IReadOnlyList<MemberState> Members => _members;

    /// <summary>The method's API name (<see cref="LoadBalancingModes"/>).</summary>
    public string MethodName => _method.Name;

    internal ILoadBalancingMethod Method => _method;

    /// <summary>What to do with connections whose member goes down.</summary>
    public ServiceDownAction ServiceDownAction { get; }

    /// <summary>With <see cref="ServiceDownAction.Reselect"/> (or after a failed connect): how many more picks to try.</summary>
    public int ReselectTries => Config.Config.ReselectTries;

    /// <summary>Priority-group activation threshold; 0 means every group is used at once.</summary>
    public int MinActiveMembers => Config.Config.MinActiveMembers;

    /// <summary>Seconds over which a member that comes up grows to its full share; 0 means at once.</summary>
    public int SlowRampTime => Config.Config.SlowRampTime;

    public int ActiveMembers
    {
        get
        {
            var n = 0;
            foreach (var m in _members)
            {
                if (m.IsActive)
                {
                    n++;
                }
            }
            return n;
        }
    }

    /// <summary>The member with this <c>address:port</c> key, or null.</summary>
    public MemberState? Member(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>Picks a member for a new connection, or null when none is selectable.</summary>
    public MemberState? Pick(in PickContext context)
    {
        var members = _members;
        if (members.Length == 0)
        {
            return null;
        }
        var s = t_scratch is { } existing && existing.Members.Length >= members.Length ? existing : t_scratch = new Scratch(members.Length);
        var mask = s.Mask.AsSpan(0, members.Length);
        mask.Clear();
        var ramp = SlowRampTime;
        var mode = _method.Ramp;
        var count = 0;
        var fallback = -1;
        if (_groupOrder is null)
        {
            for (var i = 0; i < members.Length; i++)
            {
                Consider(s, members, i, in context, ramp, mode, ref count, ref fallback);
            }
        }
        else
        {
            // LTM priority-group activation: groups join from the highest down until the active ones hold at least
            // MinActiveMembers available members (or every group has joined).
            var starts = _groupStarts!;
            var available = 0;
            for (var g = 0; g < starts.Length - 1 && available < MinActiveMembers; g++)
            {
                for (var k = starts[g]; k < starts[g + 1]; k++)
                {
                    if (Consider(s, members, _groupOrder[k], in context, ramp, mode, ref count, ref fallback))
                    {
                        available++;
                    }
                }
            }
        }
        if (count == 0)
        {
            if (fallback < 0)
            {
                return null;
            }
            // Every candidate was skipped by slow ramp: better a ramping member than none.
            s.Members[0] = members[fallback];
            s.Indices[0] = fallback;
            s.Weights[0] = 1;
            mask[fallback] = true;
            count = 1;
        }
        try
        {
            return _method.Pick(new PickCandidates(s.Members.AsSpan(0, count), s.Indices.AsSpan(0, count), s.Weights.AsSpan(0, count), members, mask), in context);
        }
        finally
        {
            Array.Clear(s.Members, 0, count);
        }
    }

    /// <summary>Adds member <paramref name="i"/> to the candidates when it may take a new connection; true when it was available (ramp skips count as available).</summary>
    private bool Consider(Scratch s, MemberState[] members, int i, in PickContext context, int ramp, RampMode mode, ref int count, ref int fallback)
    {
        var m = members[i];
        if (!m.IsSelectable || ReferenceEquals(m, context.Exclude))
        {
            return false;
        }
        var weight = m.Ratio * WeightScale;
        if (ramp > 0 && mode != RampMode.None)
        {
            var share = m.RampShare(ramp);
            if (share < 1)
            {
                if (mode == RampMode.Weight)
                {
                    weight = Math.Max(1, (int)(weight * share));
                }
                else if (_random.Next(1 << 20) >= (int)(share * (1 << 20)))
                {
                    fallback = fallback < 0 ? i : fallback;
                    return true;
                }
            }
        }
        s.Members[count] = m;
        s.Indices[count] = i;
        s.Weights[count] = weight;
        s.Mask[i] = true;
        count++;
        return true;
    }

    private sealed class Scratch(int size)
    {
        public MemberState[] Members { get; } = new MemberState[size];
        public int[] Indices { get; } = new int[size];
        public int[] Weights { get; } = new int[size];
        public bool[] Mask { get; } = new bool[size];
    }
}
