namespace Fulcrum.Tests.Dns.Wire;

/// <summary>Hand-built DNS packets for tests: a header, a question and optional records, byte by byte.</summary>
internal sealed class DnsPacket
{
    private readonly List<byte> _bytes = [];

    public static DnsPacket Query(string name, ushort type = 1, ushort id = 0x1234, ushort flags = 0x0100, ushort qd = 1, ushort an = 0, ushort ns = 0, ushort ar = 0)
    {
        var p = new DnsPacket();
        p.U16(id).U16(flags).U16(qd).U16(an).U16(ns).U16(ar);
        p.Name(name).U16(type).U16(1);
        return p;
    }

    public DnsPacket U8(byte b)
    {
        _bytes.Add(b);
        return this;
    }

    public DnsPacket U16(int v) => U8((byte)(v >> 8)).U8((byte)v);

    public DnsPacket U32(uint v) => U16((int)(v >> 16)).U16((int)(v & 0xFFFF));

    public DnsPacket Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public DnsPacket Name(string name)
    {
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            U8((byte)label.Length);
            _bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        return U8(0);
    }

    /// <summary>An OPT record; <paramref name="options"/> is the raw rdata.</summary>
    public DnsPacket Opt(ushort udpSize = 1232, byte version = 0, bool dnssecOk = false, byte[]? options = null)
    {
        options ??= [];
        U8(0).U16(41).U16(udpSize).U8(0).U8(version).U16(dnssecOk ? 0x8000 : 0).U16(options.Length);
        return Raw(options);
    }

    public static byte[] Ecs(ushort family, byte source, byte scope, params byte[] address) =>
        [0, 8, (byte)((4 + address.Length) >> 8), (byte)(4 + address.Length), (byte)(family >> 8), (byte)family, source, scope, .. address];

    public int Length => _bytes.Count;

    public byte[] ToArray() => [.. _bytes];
}
