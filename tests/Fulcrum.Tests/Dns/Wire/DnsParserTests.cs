using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Tests.Dns.Wire;

public sealed class DnsParserTests
{
    private static (DnsParseResult Result, DnsQuery Query, string Name) Parse(byte[] packet)
    {
        var name = new char[DnsParser.NameBufferLength];
        var r = DnsParser.Parse(packet, name, out var q);
        return (r, q, new string(name, 0, q.NameLength));
    }

    [Fact]
    public void PlainQuery_IsParsed_NameLowerCased()
    {
        var (r, q, name) = Parse(DnsPacket.Query("WwW.Example.COM", type: 28, id: 0xBEEF).ToArray());
        Assert.Equal(DnsParseResult.Ok, r);
        Assert.Equal("www.example.com", name);
        Assert.Equal(0xBEEF, q.Id);
        Assert.Equal(28, q.QType);
        Assert.Equal(1, q.QClass);
        Assert.True(q.RecursionDesired);
        Assert.True(q.NameIsHostname);
        Assert.False(q.HasEdns);
        Assert.Equal(17 + 4, q.QuestionLength);
    }

    [Fact]
    public void RootQuery_HasEmptyName()
    {
        var (r, q, name) = Parse(DnsPacket.Query(".", type: 2).ToArray());
        Assert.Equal(DnsParseResult.Ok, r);
        Assert.Equal("", name);
        Assert.Equal(0, q.NameLength);
    }

    [Fact]
    public void Edns_UdpSizeVersionAndDo_AreRead()
    {
        var (r, q, _) = Parse(DnsPacket.Query("a.example", ar: 1).Opt(udpSize: 4096, dnssecOk: true).ToArray());
        Assert.Equal(DnsParseResult.Ok, r);
        Assert.True(q.HasEdns);
        Assert.Equal(4096, q.UdpSize);
        Assert.Equal(0, q.EdnsVersion);
        Assert.True(q.DnssecOk);
    }

    [Fact]
    public void ClientSubnet_V4_IsRead()
    {
        var (r, q, _) = Parse(DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(1, 24, 0, 192, 0, 2)).ToArray());
        Assert.Equal(DnsParseResult.Ok, r);
        Assert.True(q.HasClientSubnet);
        Assert.Equal("192.0.2.0/24", q.ClientSubnet.ToString());
    }

    [Fact]
    public void ClientSubnet_V6_IsRead()
    {
        var (r, q, _) = Parse(DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(2, 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x42)).ToArray());
        Assert.Equal(DnsParseResult.Ok, r);
        Assert.Equal("2001:db8:0:4200::/56", q.ClientSubnet.ToString());
    }

    [Fact]
    public void UnknownOptions_AndOtherAdditionalRecords_AreSkipped()
    {
        var packet = DnsPacket.Query("a.example", ar: 2)
            .Opt(options: [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]) // a COOKIE option
            .U16(0xC00C).U16(16).U16(1).U32(0).U16(2).Raw(1, (byte)'x'); // a TXT record owned by a pointer to the question
        Assert.Equal(DnsParseResult.Ok, Parse(packet.ToArray()).Result);
    }

    [Fact]
    public void OddBytesInALabel_AreKept_ButTheNameIsNoHostname()
    {
        var packet = DnsPacket.Query("x.example");
        var bytes = packet.ToArray();
        bytes[13] = (byte)'.';
        var (r, q, name) = Parse(bytes);
        Assert.Equal(DnsParseResult.Ok, r);
        Assert.False(q.NameIsHostname);
        Assert.Equal("?.example", name);
    }

    [Fact]
    public void OtherOpcode_IsNotImplemented()
    {
        Assert.Equal(DnsParseResult.NotImplemented, Parse(DnsPacket.Query("a.example", flags: 2 << 11).ToArray()).Result);
    }

    public static TheoryData<string, byte[], DnsParseResult> Malformed => new()
    {
        { "empty", [], DnsParseResult.Truncated },
        { "short header", [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0], DnsParseResult.Truncated },
        { "response", DnsPacket.Query("a.example", flags: 0x8000).ToArray(), DnsParseResult.NotAQuery },
        { "no question", DnsPacket.Query("a.example", qd: 0).ToArray(), DnsParseResult.BadCounts },
        { "two questions", DnsPacket.Query("a.example", qd: 2).Name("b.example").U16(1).U16(1).ToArray(), DnsParseResult.BadCounts },
        { "answer in a query", DnsPacket.Query("a.example", an: 1).ToArray(), DnsParseResult.BadCounts },
        { "authority in a query", DnsPacket.Query("a.example", ns: 1).ToArray(), DnsParseResult.BadCounts },
        { "additional announced, absent", DnsPacket.Query("a.example", ar: 1).ToArray(), DnsParseResult.Truncated },
        { "question cut in the name", DnsPacket.Query("abcdef.example").ToArray()[..16], DnsParseResult.Truncated },
        { "question cut in the type", DnsPacket.Query("a.example").ToArray()[..^3], DnsParseResult.Truncated },
        { "label of 64", DnsPacket.Query(new string('a', 64) + ".example").ToArray(), DnsParseResult.BadLabel },
        { "label type 0x40", new DnsPacket().U16(1).U16(0x100).U16(1).U16(0).U16(0).U16(0).U8(0x41).Raw(new byte[65]).ToArray(), DnsParseResult.BadLabel },
        { "name of 256", DnsPacket.Query(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))).ToArray(), DnsParseResult.NameTooLong },
        { "pointer in the question", new DnsPacket().U16(1).U16(0x100).U16(1).U16(0).U16(0).U16(0).U16(0xC00C).U16(1).U16(1).ToArray(), DnsParseResult.BadPointer },
        { "pointer to itself", DnsPacket.Query("a.example", ar: 1).U16(0xC000 | 27).U16(16).U16(1).U32(0).U16(0).ToArray(), DnsParseResult.BadPointer },
        { "pointer forward", DnsPacket.Query("a.example", ar: 1).U16(0xC000 | 40).U16(16).U16(1).U32(0).U16(0).ToArray(), DnsParseResult.BadPointer },
        { "pointer into the header", DnsPacket.Query("a.example", ar: 1).U16(0xC002).U16(16).U16(1).U32(0).U16(0).ToArray(), DnsParseResult.BadPointer },
        // The record starts at 27: a label "x", then a pointer back to 27, which would read "x" and the pointer forever.
        { "compression loop", DnsPacket.Query("a.example", ar: 1).U8(1).U8((byte)'x').U16(0xC000 | 27).U16(16).U16(1).U32(0).U16(0).ToArray(), DnsParseResult.BadPointer },
        { "rdata past the end", DnsPacket.Query("a.example", ar: 1).U8(0).U16(16).U16(1).U32(0).U16(10).Raw(1, 2).ToArray(), DnsParseResult.Truncated },
        { "trailing bytes", DnsPacket.Query("a.example").Raw(0).ToArray(), DnsParseResult.TrailingData },
        { "two OPT records", DnsPacket.Query("a.example", ar: 2).Opt().Opt().ToArray(), DnsParseResult.BadOpt },
        { "OPT not owned by the root", DnsPacket.Query("a.example", ar: 1).Name("x").U16(41).U16(512).U32(0).U16(0).ToArray(), DnsParseResult.BadOpt },
        { "option cut short", DnsPacket.Query("a.example", ar: 1).Opt(options: [0, 8, 0, 9, 0, 1]).ToArray(), DnsParseResult.BadOpt },
        { "ECS family 3", DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(3, 0, 0)).ToArray(), DnsParseResult.BadClientSubnet },
        { "ECS prefix 33", DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(1, 33, 0, 1, 2, 3, 4, 5)).ToArray(), DnsParseResult.BadClientSubnet },
        { "ECS scope in a query", DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(1, 24, 8, 1, 2, 3)).ToArray(), DnsParseResult.BadClientSubnet },
        { "ECS address too long", DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(1, 24, 0, 1, 2, 3, 4)).ToArray(), DnsParseResult.BadClientSubnet },
        { "ECS bits past the prefix", DnsPacket.Query("a.example", ar: 1).Opt(options: DnsPacket.Ecs(1, 20, 0, 1, 2, 0xFF)).ToArray(), DnsParseResult.BadClientSubnet },
        { "ECS twice", DnsPacket.Query("a.example", ar: 1).Opt(options: [.. DnsPacket.Ecs(1, 8, 0, 10), .. DnsPacket.Ecs(1, 8, 0, 10)]).ToArray(), DnsParseResult.BadClientSubnet },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedQuery_IsRefused_WithItsReason(string what, byte[] packet, DnsParseResult expected)
    {
        Assert.True(expected == Parse(packet).Result, what);
    }

    [Fact]
    public void EveryTruncatedPrefix_IsRefused_NeverThrows()
    {
        var full = DnsPacket.Query("www.example.com", ar: 1).Opt(options: DnsPacket.Ecs(1, 24, 0, 10, 1, 2)).ToArray();
        Assert.Equal(DnsParseResult.Ok, Parse(full).Result);
        for (var n = 0; n < full.Length; n++)
        {
            Assert.NotEqual(DnsParseResult.Ok, Parse(full[..n]).Result);
        }
    }

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var random = new Random(19);
        var name = new char[DnsParser.NameBufferLength];
        var seed = DnsPacket.Query("www.example.com", ar: 1).Opt(options: DnsPacket.Ecs(1, 24, 0, 10, 1, 2)).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var packet = (byte[])seed.Clone();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                packet[random.Next(packet.Length)] = (byte)random.Next(256);
            }
            _ = DnsParser.Parse(packet.AsSpan(0, random.Next(packet.Length + 1)), name, out _);
        }
    }
}
