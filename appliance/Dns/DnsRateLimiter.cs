using System.Buffers.Binary;
using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// Response rate limiting per source network (a client /24, IPv6 /56, as BIND's RRL groups them): at most
/// <see cref="Limit"/> UDP responses per second; past it every <see cref="Slip"/>th response slips out truncated and the
/// others are dropped, so a spoofed flood is not reflected at its victim while a real client behind the same network
/// can still get through over TCP. A fixed table of counters indexed by a hash of the network takes no lock and never
/// grows; two networks that share a slot share their budget (rare with 16,384 slots, and only ever stricter).
/// </summary>
public sealed class DnsRateLimiter
{
    public const int Slip = 2;
    private const int Slots = 1 << 14;

    // Per slot: the second (high 32 bits) and the responses counted in it (low 32 bits).
    private readonly long[] _slots = new long[Slots];
    private readonly TimeProvider _time;
    private readonly long _start;

    public DnsRateLimiter(int limit, TimeProvider time)
    {
        Limit = limit;
        _time = time;
        _start = time.GetTimestamp();
    }

    public int Limit { get; }

    public RrlDecision Check(in ClientSubnet source)
    {
        var network = source.IsIPv4 ? source.High & 0xFFFF_FF00_0000_0000UL : source.High & 0xFFFF_FFFF_FFFF_FF00UL;
        var slot = (int)(((network ^ (network >> 29)) * 0x9E37_79B9_7F4A_7C15UL) >> 50) & (Slots - 1);
        var second = (uint)(_time.GetElapsedTime(_start).Ticks / TimeSpan.TicksPerSecond);
        while (true)
        {
            var old = Volatile.Read(ref _slots[slot]);
            var count = (uint)old;
            var next = (uint)(old >> 32) == second ? count + 1 : 1u;
            if (Interlocked.CompareExchange(ref _slots[slot], ((long)second << 32) | next, old) != old)
            {
                continue;
            }
            if (next <= (uint)Limit)
            {
                return RrlDecision.Send;
            }
            return (next - (uint)Limit) % Slip == 0 ? RrlDecision.Slip : RrlDecision.Drop;
        }
    }

    /// <summary>The client's address as a /32 or /128 subnet, read from a socket address without allocating.</summary>
    public static ClientSubnet FromSocketAddress(ReadOnlySpan<byte> sockaddr)
    {
        // Linux sockaddr_in: family(2) port(2) addr(4); sockaddr_in6: family(2) port(2) flowinfo(4) addr(16).
        if (sockaddr.Length >= 24 && BinaryPrimitives.ReadUInt16LittleEndian(sockaddr) == 10)
        {
            var addr = sockaddr.Slice(8, 16);
            // An IPv4-mapped address (dual-stack socket) is an IPv4 client.
            if (BinaryPrimitives.ReadUInt64BigEndian(addr) == 0 && BinaryPrimitives.ReadUInt32BigEndian(addr[8..]) == 0xFFFF)
            {
                return new ClientSubnet(1, 32, (ulong)BinaryPrimitives.ReadUInt32BigEndian(addr[12..]) << 32, 0);
            }
            return new ClientSubnet(2, 128, BinaryPrimitives.ReadUInt64BigEndian(addr), BinaryPrimitives.ReadUInt64BigEndian(addr[8..]));
        }
        return new ClientSubnet(1, 32, sockaddr.Length >= 8 ? (ulong)BinaryPrimitives.ReadUInt32BigEndian(sockaddr[4..]) << 32 : 0, 0);
    }

    public static ClientSubnet FromAddress(System.Net.IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        Span<byte> bytes = stackalloc byte[16];
        bytes.Clear();
        address.TryWriteBytes(bytes, out _);
        var v4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        return new ClientSubnet(v4 ? (ushort)1 : (ushort)2, v4 ? (byte)32 : (byte)128, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }
}
