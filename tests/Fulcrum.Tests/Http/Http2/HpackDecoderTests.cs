using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

public sealed class HpackDecoderTests
{
    public static TheoryData<string, HpackError> MalformedBlocks => new()
    {
        { "80", HpackError.IndexZero },
        { "be", HpackError.IndexOutOfRange },                                   // 62 with an empty dynamic table
        { "ff80808080808080", HpackError.IntegerOverflow },                     // continuation bytes without end
        { "ffffffffff0f", HpackError.IntegerOverflow },                         // more than 31 bits
        { "ff", HpackError.Truncated },                                         // integer cut after its prefix
        { "41", HpackError.Truncated },                                         // literal with no value length
        { "410f7777", HpackError.Truncated },                                   // value shorter than its length
        { "400a637573746f6d2d6b6579", HpackError.Truncated },                   // name, no value
        { "0085f2b24a84ff874951fffffffa7f", HpackError.HuffmanInvalidCode },    // EOS inside a string (h2spec hpack/4.2)
        { "418cf1e3c2e5f23a6ba0ab90f4fffe", HpackError.IndexOutOfRange },       // a valid field, then index 126
        { "4181fe", HpackError.HuffmanInvalidPadding },                         // 7 bits of '1' padding is fine, 0xfe is not
        { "4182ffff", HpackError.HuffmanInvalidPadding },                       // 16 bits of padding
        { "8220", HpackError.TableSizeUpdateNotAtStart },
        { "3fe21f", HpackError.TableSizeUpdateTooLarge },                       // 4097 over an announced 4096
    };

    [Theory]
    [MemberData(nameof(MalformedBlocks))]
    public void Decode_MalformedBlock_IsRefusedWithItsCause(string hex, HpackError expected)
    {
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default);

        Assert.Equal(expected, decoder.Decode(Convert.FromHexString(hex), new HeaderList()));
    }

    [Fact]
    public void Decode_EveryTruncatedPrefixOfAValidBlock_IsRefusedOrDecodesOnlyWholeFields()
    {
        var block = Convert.FromHexString("828684418cf1e3c2e5f23a6ba0ab90f4ff400a637573746f6d2d6b65790d637573746f6d2d686561646572");
        for (var length = 1; length < block.Length; length++)
        {
            using var decoder = new HpackDecoder(HpackDecoderLimits.Default);
            var error = decoder.Decode(block.AsSpan(0, length), new HeaderList());

            // A cut can land on a field boundary (then the prefix is a valid block) or inside one.
            Assert.True(error is HpackError.None or HpackError.Truncated or HpackError.HuffmanInvalidPadding, $"{length}: {error}");
        }
    }

    [Fact]
    public void Decode_TableSizeUpdate_EvictsAndLaterAdditionsRespectTheNewSize()
    {
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default);
        Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString("400a637573746f6d2d6b65790d637573746f6d2d686561646572"), new HeaderList()));
        Assert.Equal(55, decoder.Table.Size);

        // Size 0 then 40, both at the start of the block: the entry goes, and a 55-byte entry no longer fits.
        var fields = new HeaderList();
        Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString("203f09400a637573746f6d2d6b65790d637573746f6d2d686561646572"), fields));

        Assert.Equal(["custom-key: custom-header"], fields.Fields);
        Assert.Equal(0, decoder.Table.Count);
        Assert.Equal(40, decoder.Table.MaxSize);
    }

    [Fact]
    public void Decode_StringLongerThanTheLimit_IsRefused()
    {
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default with { MaxStringLength = 8 });

        // A 9-byte raw value, then a Huffman value that decodes to 15 bytes from 12.
        Assert.Equal(HpackError.StringTooLong, decoder.Decode(Convert.FromHexString("0109313233343536373839"), new HeaderList()));
        Assert.Equal(HpackError.StringTooLong, decoder.Decode(Convert.FromHexString("418cf1e3c2e5f23a6ba0ab90f4ff"), new HeaderList()));
    }

    [Fact]
    public void Decode_HeaderListOverTheLimit_IsRefusedAfterDecodingTheBlockSoTheTableStaysInStep()
    {
        // :authority (10) + www.example.com (15) + 32 = 57: the first field fits a 60-byte list, the second does not.
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default with { MaxHeaderListSize = 60 });
        var fields = new HeaderList();

        var error = decoder.Decode(Convert.FromHexString("418cf1e3c2e5f23a6ba0ab90f4ff400a637573746f6d2d6b65790d637573746f6d2d686561646572"), fields);

        Assert.Equal(HpackError.HeaderListTooLarge, error);
        Assert.Equal([":authority: www.example.com"], fields.Fields);
        Assert.Equal(["custom-key: custom-header", ":authority: www.example.com"], HpackRfcVectorTests.TableEntries(decoder.Table));

        // The next block on the connection can still name both entries.
        var next = new HeaderList();
        Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString("bf"), next));
        Assert.Equal([":authority: www.example.com"], next.Fields);
    }

    [Fact]
    public void Decode_LiteralNamingAnEntryItEvicts_KeepsTheName()
    {
        // Table of 60 bytes holds one entry; a literal with incremental indexing that names that entry (index 62) evicts it
        // while being added (RFC 7541 §4.4).
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default with { MaxTableSize = 60 });
        Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString("3f1d400a637573746f6d2d6b65790d637573746f6d2d686561646572"), new HeaderList()));
        var fields = new HeaderList();

        Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString("7e0d637573746f6d2d76616c756532"), fields));

        Assert.Equal(["custom-key: custom-value2"], fields.Fields);
        Assert.Equal(["custom-key: custom-value2"], HpackRfcVectorTests.TableEntries(decoder.Table));
    }

    [Fact]
    public void Decode_ManyInsertionsThroughASmallTable_KeepEveryEntryIntact()
    {
        // Enough insertions to wrap the entry ring and compact the byte buffer many times.
        using var encoder = new HpackEncoder(200, huffman: false);
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default with { MaxTableSize = 200 });
        var buffer = new byte[256];
        for (var i = 0; i < 500; i++)
        {
            var name = System.Text.Encoding.ASCII.GetBytes("x-" + (i % 7));
            var value = System.Text.Encoding.ASCII.GetBytes(new string((char)('a' + i % 26), i % 40));
            var length = encoder.BeginBlock(buffer);
            Assert.Equal(HpackError.None, encoder.Encode(name, value, buffer.AsSpan(length), out var written));
            var fields = new HeaderList();

            Assert.Equal(HpackError.None, decoder.Decode(buffer.AsSpan(0, length + written), fields));

            Assert.Equal([$"x-{i % 7}: {new string((char)('a' + i % 26), i % 40)}"], fields.Fields);
            Assert.Equal(HpackRfcVectorTests.TableEntries(encoder.Table), HpackRfcVectorTests.TableEntries(decoder.Table));
        }
    }
}
