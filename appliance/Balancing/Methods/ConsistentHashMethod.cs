using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// Consistent hashing on the pick's hash key (a header, cookie, URI or rule value), falling back to the client
/// address, through a <see cref="MaglevTable"/> built over every configured member (ratio-weighted) once per member
/// set. A member that is down, disabled, full or excluded is skipped by walking forward to the next slot whose owner
/// is a candidate, so only its own keys move, and they spread over the others as the table's slots do; when it comes
/// back its keys return. docs/BALANCING.md has the measurements behind choosing Maglev over a ring or jump hash.
/// </summary>
internal sealed class ConsistentHashMethod : ILoadBalancingMethod
{
    private MaglevTable? _table;
    private uint _rotor;

    public string Name => LoadBalancingModes.ConsistentHash;

    public RampMode Ramp => RampMode.None;

    public void Attach(IReadOnlyList<MemberState> members) =>
        Volatile.Write(ref _table, MaglevTable.Build([.. members.Select(m => m.Key)], [.. members.Select(m => m.Config.Config.Ratio)]));

    public MemberState? Pick(in PickCandidates candidates, in PickContext context)
    {
        var table = Volatile.Read(ref _table);
        if (StableHash.Key(context) is not { } hash || table is null || candidates.Pool.Length == 0)
        {
            return candidates.Members[(int)((Interlocked.Increment(ref _rotor) - 1) % (uint)candidates.Count)];
        }
        var mask = candidates.Mask;
        var slot = table.SlotOf(hash);
        for (var n = 0; n < table.Size; n++)
        {
            var owner = table.OwnerAt(slot);
            if ((uint)owner < (uint)mask.Length && mask[owner])
            {
                return candidates.Pool[owner];
            }
            if (++slot == table.Size)
            {
                slot = 0;
            }
        }
        return candidates.Members[0];
    }
}
