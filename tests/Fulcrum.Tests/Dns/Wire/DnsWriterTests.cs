using Fulcrum.Appliance.Dns.Wire;

namespace Fulcrum.Tests.Dns.Wire;

public sealed class DnsWriterTests
{
    private static readonly byte[] Question = DnsPacket.Query("www.example.com").ToArray()[12..];

    [Fact]
    public void AnswerWithPointer_IsWrittenByteForByte()
    {
        var buffer = new byte[512];
        var w = new DnsWriter(buffer);
        Assert.True(w.Begin(0x1234, DnsWriter.FlagQr | DnsWriter.FlagAa, DnsRcode.NoError, Question));
        Assert.True(w.Address(DnsWriter.PointerTo(0), 30, [192, 0, 2, 7]));
        var n = w.Finish();
        var expected = new DnsPacket().U16(0x1234).U16(0x8400).U16(1).U16(1).U16(0).U16(0).Raw(Question)
            .U16(0xC00C).U16(1).U16(1).U32(30).U16(4).Raw(192, 0, 2, 7).ToArray();
        Assert.Equal(expected, buffer[..n]);
    }

    [Fact]
    public void SoaInAuthority_PointsAtTheZoneInsideTheQuestion()
    {
        var buffer = new byte[512];
        var w = new DnsWriter(buffer);
        w.Begin(1, DnsWriter.FlagQr | DnsWriter.FlagAa, DnsRcode.NxDomain, Question);
        var mname = DnsWriter.EncodeName("ns.example.com")!;
        var rname = DnsWriter.EncodeName("hostmaster.example.com")!;
        Assert.True(w.Soa(DnsWriter.PointerTo(4), 30, mname, rname, 7, 3600, 600, 86400, 30, authority: true));
        var n = w.Finish();
        var name = new char[DnsParser.NameBufferLength];
        Assert.Equal(0x8403, (buffer[2] << 8) | buffer[3]);
        Assert.Equal(1, (buffer[8] << 8) | buffer[9]);
        Assert.Equal(0xC000 | 16, (buffer[12 + Question.Length] << 8) | buffer[13 + Question.Length]);
        Assert.Equal(12 + Question.Length + 12 + mname.Length + rname.Length + 20, n);
    }

    [Fact]
    public void RecordThatDoesNotFit_IsRefused_AndTruncateSetsTc()
    {
        var buffer = new byte[12 + Question.Length + 20];
        var w = new DnsWriter(buffer);
        w.Begin(1, DnsWriter.FlagQr, DnsRcode.NoError, Question);
        Assert.True(w.Address(DnsWriter.PointerTo(0), 30, [1, 2, 3, 4]));
        Assert.False(w.Address(DnsWriter.PointerTo(0), 30, [1, 2, 3, 5]));
        w.Truncate(Question.Length);
        var n = w.Finish();
        Assert.Equal(12 + Question.Length, n);
        Assert.NotEqual(0, buffer[2] & 0x02);
        Assert.Equal(0, (buffer[6] << 8) | buffer[7]);
    }

    [Fact]
    public void OptWithClientSubnet_EchoesTheSubnetWithScope()
    {
        var buffer = new byte[512];
        var w = new DnsWriter(buffer);
        w.Begin(1, DnsWriter.FlagQr, DnsRcode.NoError, Question);
        ClientSubnet? ecs = new ClientSubnet(1, 24, 0xC000_0200UL << 32, 0);
        Assert.True(w.Opt(1232, DnsRcode.NoError, false, ecs, 24));
        var n = w.Finish();
        var expected = new DnsPacket().U8(0).U16(41).U16(1232).U32(0).U16(11).Raw(DnsPacket.Ecs(1, 24, 24, 192, 0, 2)).ToArray();
        Assert.Equal(expected, buffer[(12 + Question.Length)..n]);
    }

    [Fact]
    public void BadVers_GoesIntoTheOptTtl()
    {
        var buffer = new byte[512];
        var w = new DnsWriter(buffer);
        w.Begin(1, DnsWriter.FlagQr, DnsRcode.BadVers, Question);
        w.Opt(1232, DnsRcode.BadVers, false, null, 0);
        var n = w.Finish();
        Assert.Equal(0, buffer[3] & 0xF);
        Assert.Equal(1, buffer[12 + Question.Length + 5]);
        Assert.Equal(12 + Question.Length + 11, n);
    }

    [Theory]
    [InlineData("www.example.com", new byte[] { 3, 119, 119, 119, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0 })]
    [InlineData("a.", new byte[] { 1, 97, 0 })]
    [InlineData("", new byte[] { 0 })]
    public void EncodeName_WritesLabels(string name, byte[] expected) => Assert.Equal(expected, DnsWriter.EncodeName(name));

    [Theory]
    [InlineData("a..b")]
    [InlineData("ü.example")]
    public void EncodeName_RefusesBadNames(string name) => Assert.Null(DnsWriter.EncodeName(name));

    [Fact]
    public void EncodeName_RefusesLongLabelsAndNames()
    {
        Assert.Null(DnsWriter.EncodeName(new string('a', 64) + ".x"));
        Assert.Null(DnsWriter.EncodeName(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))));
    }
}
