using System.Text;
using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

public sealed class HpackPrimitivesTests
{
    public static TheoryData<int, int, string> Integers => new()
    {
        // RFC 7541 C.1.1-C.1.3.
        { 10, 5, "0a" },
        { 1337, 5, "1f9a0a" },
        { 42, 8, "2a" },
        { 31, 5, "1f00" },
        { int.MaxValue, 7, "7f80ffffff07" },
    };

    [Theory]
    [MemberData(nameof(Integers))]
    public void Integer_RoundTripsTheRfcExamples(int value, int prefix, string hex)
    {
        var buffer = new byte[8];
        var written = HpackInteger.Encode(buffer, value, prefix, 0);
        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, written));

        var pos = 0;
        Assert.Equal(HpackError.None, HpackInteger.TryDecode(buffer.AsSpan(0, written), ref pos, prefix, out var decoded));
        Assert.Equal(value, decoded);
        Assert.Equal(written, pos);
    }

    public static TheoryData<string, string> HuffmanStrings => new()
    {
        { "www.example.com", "f1e3c2e5f23a6ba0ab90f4ff" },
        { "no-cache", "a8eb10649cbf" },
        { "custom-key", "25a849e95ba97d7f" },
        { "custom-value", "25a849e95bb8e8b4bf" },
        { "302", "6402" },
        { "307", "640eff" },
        { "private", "aec3771a4b" },
        { "https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3" },
        { "gzip", "9bd9ab" },
    };

    [Theory]
    [MemberData(nameof(HuffmanStrings))]
    public void Huffman_EncodesAndDecodesTheRfcStrings(string text, string hex)
    {
        var raw = Encoding.ASCII.GetBytes(text);
        var buffer = new byte[64];
        Assert.Equal(hex.Length / 2, HpackHuffman.GetEncodedLength(raw));
        Assert.Equal(hex, Convert.ToHexStringLower(buffer, 0, HpackHuffman.Encode(raw, buffer)));

        Assert.Equal(HpackError.None, HpackHuffman.Decode(Convert.FromHexString(hex), buffer, out var written));
        Assert.Equal(text, Encoding.ASCII.GetString(buffer, 0, written));
    }

    [Fact]
    public void Huffman_EveryByteValue_RoundTrips()
    {
        var all = new byte[256 * 3];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = (byte)(i * 7);
        }

        var encoded = new byte[HpackHuffman.GetEncodedLength(all)];
        Assert.Equal(encoded.Length, HpackHuffman.Encode(all, encoded));
        var decoded = new byte[all.Length];

        Assert.Equal(HpackError.None, HpackHuffman.Decode(encoded, decoded, out var written));

        Assert.Equal(all, decoded[..written]);
    }

    [Fact]
    public void Huffman_DecodeIntoTooSmallDestination_IsStringTooLong()
    {
        Assert.Equal(HpackError.StringTooLong, HpackHuffman.Decode(Convert.FromHexString("f1e3c2e5f23a6ba0ab90f4ff"), new byte[14], out _));
    }
}
