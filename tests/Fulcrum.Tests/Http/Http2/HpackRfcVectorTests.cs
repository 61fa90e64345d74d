using System.Text;
using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

/// <summary>The examples of RFC 7541 Appendix C, decoded and encoded, with the dynamic table after each block.</summary>
public sealed class HpackRfcVectorTests
{
    private static readonly string[][] Requests =
    [
        [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"],
        [":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"],
        [":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"],
    ];

    private static readonly string[][] Responses =
    [
        [":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"],
        [":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT", "location: https://www.example.com"],
        [":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT", "location: https://www.example.com",
         "content-encoding: gzip", "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"],
    ];

    // C.3 (plain) and C.4 (Huffman): three requests on one connection, table size 4096.
    private static readonly string[] C3 =
    [
        "828684410f7777772e6578616d706c652e636f6d",
        "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
    ];

    private static readonly string[] C4 =
    [
        "828684418cf1e3c2e5f23a6ba0ab90f4ff",
        "828684be5886a8eb10649cbf",
        "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
    ];

    // C.5 (plain) and C.6 (Huffman): three responses, table size 256, so entries are evicted.
    private static readonly string[] C5 =
    [
        "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
        "4803333037c1c0bf",
        "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
    ];

    private static readonly string[] C6 =
    [
        "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
        "4883640effc1c0bf",
        "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
    ];

    private static readonly int[] RequestTableSizes = [57, 110, 164];
    private static readonly int[] ResponseTableSizes = [222, 222, 215];

    public static TheoryData<string, string, string> C2 => new()
    {
        // C.2.1 literal with indexing, C.2.2 without indexing, C.2.3 never indexed, C.2.4 indexed.
        { "400a637573746f6d2d6b65790d637573746f6d2d686561646572", "custom-key: custom-header", "custom-key: custom-header" },
        { "040c2f73616d706c652f70617468", ":path: /sample/path", "" },
        { "100870617373776f726406736563726574", "password: secret", "" },
        { "82", ":method: GET", "" },
    };

    [Theory]
    [MemberData(nameof(C2))]
    public void Decode_C2_SingleRepresentations(string hex, string field, string tableEntry)
    {
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default);
        var fields = new HeaderList();

        Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString(hex), fields));

        Assert.Equal([field], fields.Fields);
        Assert.Equal(tableEntry, TableEntries(decoder.Table).SingleOrDefault() ?? "");
        Assert.Equal(tableEntry.Length == 0 ? 0 : 55, decoder.Table.Size);
    }

    [Fact]
    public void Decode_C3_RequestsWithoutHuffman() => DecodeSequence(C3, Requests, RequestTableSizes, 4096);

    [Fact]
    public void Decode_C4_RequestsWithHuffman() => DecodeSequence(C4, Requests, RequestTableSizes, 4096);

    [Fact]
    public void Decode_C5_ResponsesWithEviction() => DecodeSequence(C5, Responses, ResponseTableSizes, 256);

    [Fact]
    public void Decode_C6_ResponsesWithHuffmanAndEviction() => DecodeSequence(C6, Responses, ResponseTableSizes, 256);

    [Fact]
    public void Encode_C3_RequestsWithoutHuffman() => EncodeSequence(C3, Requests, 4096, huffman: false);

    [Fact]
    public void Encode_C4_RequestsWithHuffman() => EncodeSequence(C4, Requests, 4096, huffman: true);

    [Fact]
    public void Encode_C5_ResponsesWithEviction() => EncodeSequence(C5, Responses, 256, huffman: false);

    [Fact]
    public void Encode_C6_ResponsesWithHuffmanAndEviction() => EncodeSequence(C6, Responses, 256, huffman: true);

    [Fact]
    public void Decode_C5_TableAfterEvictionHoldsTheNewestEntries()
    {
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default with { MaxTableSize = 256 });
        foreach (var block in C5)
        {
            Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString(block), new HeaderList()));
        }

        Assert.Equal(
            [
                "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                "content-encoding: gzip",
                "date: Mon, 21 Oct 2013 20:13:22 GMT",
            ],
            TableEntries(decoder.Table));
    }

    internal static List<string> TableEntries(HpackDynamicTable table)
    {
        var entries = new List<string>();
        for (var i = 0; i < table.Count; i++)
        {
            entries.Add(Encoding.Latin1.GetString(table.Name(i)) + ": " + Encoding.Latin1.GetString(table.Value(i)));
        }

        return entries;
    }

    private static void DecodeSequence(string[] blocks, string[][] expected, int[] sizes, int tableSize)
    {
        using var decoder = new HpackDecoder(HpackDecoderLimits.Default with { MaxTableSize = tableSize });
        for (var i = 0; i < blocks.Length; i++)
        {
            var fields = new HeaderList();
            Assert.Equal(HpackError.None, decoder.Decode(Convert.FromHexString(blocks[i]), fields));
            Assert.Equal(expected[i], fields.Fields);
            Assert.Equal(sizes[i], decoder.Table.Size);
        }
    }

    private static void EncodeSequence(string[] blocks, string[][] fields, int tableSize, bool huffman)
    {
        using var encoder = new HpackEncoder(tableSize, huffman);
        var buffer = new byte[1024];
        for (var i = 0; i < blocks.Length; i++)
        {
            var length = encoder.BeginBlock(buffer);
            foreach (var field in fields[i])
            {
                var colon = field.IndexOf(": ", 1, StringComparison.Ordinal);
                var name = Encoding.Latin1.GetBytes(field[..colon]);
                var value = Encoding.Latin1.GetBytes(field[(colon + 2)..]);
                Assert.Equal(HpackError.None, encoder.Encode(name, value, buffer.AsSpan(length), out var written));
                length += written;
            }

            Assert.Equal(blocks[i], Convert.ToHexStringLower(buffer, 0, length));
        }
    }
}
