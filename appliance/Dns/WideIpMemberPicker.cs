using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// The one place DNS meets the balancing library: a wide IP's members are the <see cref="MemberState"/>s of its pools
/// (so health from monitors, admin state, ratios and connection counts are the pools' own), and a pick runs an
/// <see cref="ILoadBalancingMethod"/> from <see cref="LoadBalancingMethodFactory"/> over the members that may take new
/// connections. Built per config generation from <see cref="BalancingState"/>; picks take no lock and allocate nothing
/// (but for consistent-hash, which hashes an <see cref="IPAddress"/>).
/// </summary>
public sealed class WideIpMemberPicker
{
    [ThreadStatic] private static Scratch? t_scratch;

    private readonly MemberState[] _members;
    private readonly int[] _poolOf;
    private readonly ILoadBalancingMethod _method;
    private readonly bool _hashesAddress;

    private WideIpMemberPicker(MemberState[] members, int[] poolOf, ILoadBalancingMethod method, bool hashesAddress)
    {
        _members = members;
        _poolOf = poolOf;
        _method = method;
        _hashesAddress = hashesAddress;
        method.Attach(members);
    }

    /// <param name="family">The members' address family an answer needs; <see cref="AddressFamily.Unspecified"/> for CNAME.</param>
    public static WideIpMemberPicker Create(WideIp wideIp, BalancingState balancing, AddressFamily family)
    {
        var members = new List<MemberState>();
        var poolOf = new List<int>();
        for (var p = 0; p < wideIp.Pools.Length; p++)
        {
            if (balancing.Pool(wideIp.Pools[p]) is not { } pool)
            {
                continue;
            }
            foreach (var m in pool.Members)
            {
                if (family == AddressFamily.Unspecified || m.EndPoint.AddressFamily == family)
                {
                    members.Add(m);
                    poolOf.Add(p);
                }
            }
        }
        // Topology picks round robin inside the matched pool; the other names are the pool methods of the same name.
        var name = wideIp.Method == WideIpMethods.Topology ? LoadBalancingModes.RoundRobin : wideIp.Method;
        return new WideIpMemberPicker([.. members], [.. poolOf], LoadBalancingMethodFactory.Create(name), name == LoadBalancingModes.ConsistentHash);
    }

    public int Count => _members.Length;

    public MemberState Member(int index) => _members[index];

    /// <summary>Which of the wide IP's pools (its position in <c>pools</c>) member <paramref name="index"/> comes from.</summary>
    public int PoolOf(int index) => _poolOf[index];

    /// <summary>
    /// Picks up to <paramref name="answers"/>.Length members that may take new connections, from the pool at position
    /// <paramref name="pool"/> only (or every pool when -1): the method's pick first, then the next ones in pool order.
    /// Returns how many were written; 0 when none is up.
    /// </summary>
    public int Pick(int pool, in ClientSubnet client, Span<int> answers)
    {
        var members = _members;
        if (members.Length == 0 || answers.IsEmpty)
        {
            return 0;
        }
        var s = t_scratch is { } existing && existing.Members.Length >= members.Length ? existing : t_scratch = new Scratch(members.Length);
        var mask = s.Mask.AsSpan(0, members.Length);
        mask.Clear();
        var count = 0;
        for (var i = 0; i < members.Length; i++)
        {
            var m = members[i];
            if ((pool < 0 || _poolOf[i] == pool) && m.IsSelectable)
            {
                s.Members[count] = m;
                s.Indices[count] = i;
                s.Weights[count] = Math.Max(1, m.Ratio) * PoolState.WeightScale;
                mask[i] = true;
                count++;
            }
        }
        if (count == 0)
        {
            return 0;
        }
        MemberState? picked;
        try
        {
            var context = new PickContext(_hashesAddress ? Address(client) : null);
            picked = _method.Pick(new PickCandidates(s.Members.AsSpan(0, count), s.Indices.AsSpan(0, count), s.Weights.AsSpan(0, count), members, mask), in context);
        }
        finally
        {
            Array.Clear(s.Members, 0, count);
        }
        var first = 0;
        for (var k = 0; k < count; k++)
        {
            if (ReferenceEquals(members[s.Indices[k]], picked))
            {
                first = k;
                break;
            }
        }
        var n = Math.Min(count, answers.Length);
        for (var k = 0; k < n; k++)
        {
            answers[k] = s.Indices[(first + k) % count];
        }
        return n;
    }

    private static IPAddress Address(in ClientSubnet client)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, client.High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], client.Low);
        return new IPAddress(client.IsIPv4 ? bytes[..4] : bytes);
    }

    private sealed class Scratch(int size)
    {
        public MemberState[] Members { get; } = new MemberState[size];
        public int[] Indices { get; } = new int[size];
        public int[] Weights { get; } = new int[size];
        public bool[] Mask { get; } = new bool[size];
    }
}
