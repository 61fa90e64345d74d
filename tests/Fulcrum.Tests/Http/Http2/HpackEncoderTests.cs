using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

public sealed class HpackEncoderTests
{
    [Fact]
    public void Encode_NeverIndexed_WritesTheFlagAndLeavesTheTable()
    {
        using var encoder = new HpackEncoder(4096, huffman: false);
        var buffer = new byte[64];

        Assert.Equal(HpackError.None, encoder.Encode("password"u8, "secret"u8, buffer, out var written, HpackIndexing.NeverIndexed));

        Assert.Equal("100870617373776f726406736563726574", Convert.ToHexStringLower(buffer, 0, written));
        Assert.Equal(0, encoder.Table.Count);
    }

    [Fact]
    public void Encode_DestinationTooSmall_WritesNothingToTheTable()
    {
        using var encoder = new HpackEncoder(4096, huffman: false);
        var buffer = new byte[10];

        Assert.Equal(HpackError.DestinationTooSmall, encoder.Encode("custom-key"u8, "custom-header"u8, buffer, out var written));

        Assert.Equal(0, written);
        Assert.Equal(0, encoder.Table.Count);
    }

    [Fact]
    public void SetPeerTableSize_DownThenUp_NextBlockStartsWithTheSmallestThenTheFinalSize()
    {
        using var encoder = new HpackEncoder(4096);
        encoder.SetPeerTableSize(0);
        encoder.SetPeerTableSize(1024);
        var buffer = new byte[16];

        var written = encoder.BeginBlock(buffer);

        // 001 00000 (size 0), then 001 11111 + 1024 - 31 = 993 as 0xe1 0x07.
        Assert.Equal("203fe107", Convert.ToHexStringLower(buffer, 0, written));
        Assert.Equal(0, encoder.BeginBlock(buffer));
        Assert.Equal(1024, encoder.Table.MaxSize);
    }

    [Fact]
    public void SetPeerTableSize_AboveTheEncodersLimit_StaysAtTheLimit()
    {
        using var encoder = new HpackEncoder(4096);

        encoder.SetPeerTableSize(65536);

        Assert.Equal(0, encoder.BeginBlock(new byte[8]));
        Assert.Equal(4096, encoder.Table.MaxSize);
    }
}
