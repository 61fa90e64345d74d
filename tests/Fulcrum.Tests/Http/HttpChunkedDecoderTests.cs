using System.Buffers;
using Fulcrum.Appliance.Http;
using static Fulcrum.Tests.Http.HttpTestInput;

namespace Fulcrum.Tests.Http;

public sealed class HttpChunkedDecoderTests
{
    public static TheoryData<string, string> ValidBodies => new()
    {
        { "0\r\n\r\n", "" },
        { "5\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world" },
        { "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij" },
        { "000005\r\nhello\r\n000\r\n\r\n", "hello" },
        { "0000000000000005\r\nhello\r\n0\r\n\r\n", "hello" },
        { "1\r\n\r\r\n2\r\n\r\n\r\n0\r\n\r\n", "\r\r\n" },
        { "5;name\r\nhello\r\n0;last=yes\r\n\r\n", "hello" },
        { "5;a=b;c=\"q; \\\"x\\\\\"\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5;a=\"\"\r\nhello\r\n0\r\n\r\n", "hello" },
        { "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n", "hello" },
    };

    public static TheoryData<string> ValidBodyInputs
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var row in ValidBodies)
            {
                data.Add((string)row[0]);
            }

            return data;
        }
    }

    public static TheoryData<string, HttpRejectReason> MalformedBodies => new()
    {
        { "fffffffffffffffffff\r\n", HttpRejectReason.ChunkSizeOverflow },
        { "00000000000000005\r\n", HttpRejectReason.ChunkSizeOverflow },
        { "4000000000000001\r\n", HttpRejectReason.ChunkSizeOverflow },
        { "ffffffffffffffff\r\n", HttpRejectReason.ChunkSizeOverflow },
        { "0x5\r\nhello\r\n0\r\n\r\n", HttpRejectReason.InvalidChunkSize },
        { "-5\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { "+5\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { " 5\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { "5 \r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { "5\t\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { "5 ;a\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { "\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { ";a\r\nhello\r\n", HttpRejectReason.InvalidChunkSize },
        { "g\r\n", HttpRejectReason.InvalidChunkSize },
        { "5\nhello\r\n0\r\n\r\n", HttpRejectReason.BareLf },
        { "\n", HttpRejectReason.BareLf },
        { "5\rhello\r\n", HttpRejectReason.BareCr },
        { "5\r\nhelloX\r\n0\r\n\r\n", HttpRejectReason.MissingChunkCrlf },
        { "5\r\nhello\n0\r\n\r\n", HttpRejectReason.MissingChunkCrlf },
        { "5\r\nhello\r0\r\n\r\n", HttpRejectReason.MissingChunkCrlf },
        { "5\r\nhello0\r\n\r\n", HttpRejectReason.MissingChunkCrlf },
        { "5;a\nhello\r\n0\r\n\r\n", HttpRejectReason.BareLf },
        { "5;a=b\nhello\r\n", HttpRejectReason.BareLf },
        { "5;a=\"x\nhello\r\n", HttpRejectReason.BareLf },
        { "5;a\rhello\r\n", HttpRejectReason.BareCr },
        { "5;\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;;a\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a=\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5; a\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a =b\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a\u0000\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a=b@\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a=\"x\u0001\"\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a=\"x\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a=\"x\"y\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;a=\"x\\\u0000\"\r\nhello\r\n", HttpRejectReason.InvalidChunkExtension },
        { "5;" + new string('a', HttpChunkedDecoder.MaxExtensionBytes) + "\r\nhello\r\n", HttpRejectReason.ChunkExtensionTooLong },
        { "0\r\nX: a\u0000\r\n\r\n", HttpRejectReason.InvalidTrailer },
        { "0\r\n X: a\r\n\r\n", HttpRejectReason.InvalidTrailer },
        { "0\r\nX : a\r\n\r\n", HttpRejectReason.InvalidTrailer },
        { "0\r\nX\r\n\r\n", HttpRejectReason.InvalidTrailer },
        { "0\r\n: a\r\n\r\n", HttpRejectReason.InvalidTrailer },
        { "0\r\nX: a\n\r\n", HttpRejectReason.BareLf },
        { "0\r\n\n", HttpRejectReason.BareLf },
        { "0\r\nX: a\rY: b\r\n\r\n", HttpRejectReason.BareCr },
        { "0\r\n\rX", HttpRejectReason.BareCr },
    };

    [Theory]
    [MemberData(nameof(ValidBodies))]
    public void Decode_WholeBody_CompletesAndYieldsData(string body, string data)
    {
        var bytes = Bytes(body + "GET / HTTP/1.1\r\n");
        var decoder = new HttpChunkedDecoder();
        var sink = new ArrayBufferWriter<byte>();

        var result = decoder.Decode(bytes.AsSpan(), sink);

        Assert.Equal(HttpParseStatus.Complete, result.Status);
        Assert.Equal(body.Length, result.Consumed);
        Assert.Equal(data, Text(sink.WrittenSpan));
        Assert.Equal(data.Length, decoder.DataBytes);
        Assert.Equal(body.Length, decoder.TotalBytes);
        Assert.True(decoder.IsComplete);
    }

    [Theory]
    [MemberData(nameof(ValidBodyInputs))]
    public void Decode_ByteByByte_SameAsWhole(string body)
    {
        var bytes = Bytes(body);
        var whole = new HttpChunkedDecoder();
        var wholeSink = new ArrayBufferWriter<byte>();
        var expected = whole.Decode(bytes.AsSpan(), wholeSink);

        var split = new HttpChunkedDecoder();
        var splitSink = new ArrayBufferWriter<byte>();
        var last = default(HttpParseResult);
        long consumed = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            last = split.Decode(bytes.AsSpan(i, 1), splitSink);
            Assert.Equal(1, last.Consumed);
            consumed += last.Consumed;
            Assert.Equal(i == bytes.Length - 1 ? HttpParseStatus.Complete : HttpParseStatus.Incomplete, last.Status);
        }

        Assert.Equal(expected.Consumed, consumed);
        Assert.Equal(wholeSink.WrittenSpan.ToArray(), splitSink.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(ValidBodyInputs))]
    public void Decode_EveryTruncatedPrefix_IsIncompleteAndConsumesAllOfIt(string body)
    {
        var bytes = Bytes(body);
        for (var length = 0; length < bytes.Length; length++)
        {
            var decoder = new HttpChunkedDecoder();

            var result = decoder.Decode(bytes.AsSpan(0, length));

            Assert.Equal(HttpParseStatus.Incomplete, result.Status);
            Assert.Equal(length, result.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(ValidBodyInputs))]
    public void Decode_SegmentedSequence_AdvancesReaderToEndOfBody(string body)
    {
        var bytes = Bytes(body + "NEXT");
        var decoder = new HttpChunkedDecoder();
        var reader = new SequenceReader<byte>(ByteSegments(bytes));

        var result = decoder.Decode(ref reader);

        Assert.True(result.IsComplete);
        Assert.Equal(body.Length, result.Consumed);
        Assert.Equal(body.Length, reader.Consumed);
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedBody_IsRefusedWithExactReason(string body, HttpRejectReason reason)
    {
        var decoder = new HttpChunkedDecoder();

        var result = decoder.Decode(Bytes(body).AsSpan());

        Assert.Equal(HttpParseStatus.Error, result.Status);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(400, HttpRejectReasons.StatusCode(reason));
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Decode_MalformedBodyByteByByte_FailsAtSameOffsetWithSameReason(string body, HttpRejectReason reason)
    {
        var bytes = Bytes(body);
        var expected = new HttpChunkedDecoder().Decode(bytes.AsSpan());
        var decoder = new HttpChunkedDecoder();

        var failedAt = -1L;
        for (var i = 0; i < bytes.Length && failedAt < 0; i++)
        {
            var result = decoder.Decode(bytes.AsSpan(i, 1));
            if (result.IsError)
            {
                Assert.Equal(reason, result.Reason);
                failedAt = i + result.ErrorOffset;
            }
        }

        Assert.Equal(expected.ErrorOffset, failedAt);
        Assert.Equal(expected.ErrorOffset, decoder.TotalBytes);
    }

    [Fact]
    public void Decode_AfterError_KeepsFailing()
    {
        var decoder = new HttpChunkedDecoder();
        decoder.Decode("x\r\n"u8);

        var again = decoder.Decode("0\r\n\r\n"u8);

        Assert.Equal(HttpRejectReason.InvalidChunkSize, again.Reason);
    }

    [Fact]
    public void Decode_AfterComplete_ConsumesNothingMore_UntilReset()
    {
        var decoder = new HttpChunkedDecoder();
        decoder.Decode("0\r\n\r\n"u8);

        var after = decoder.Decode("5\r\n"u8);
        decoder.Reset();
        var reused = decoder.Decode("3\r\nabc\r\n0\r\n\r\n"u8);

        Assert.Equal(HttpParseResult.Complete(0), after);
        Assert.Equal(HttpParseResult.Complete(13), reused);
        Assert.Equal(3, decoder.DataBytes);
    }

    [Fact]
    public void Decode_LargeChunkSplitAcrossCalls_TracksRemainingData()
    {
        var data = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        var body = Bytes("11170\r\n").Concat(data).Concat(Bytes("\r\n0\r\n\r\n")).ToArray();
        var decoder = new HttpChunkedDecoder();
        var sink = new ArrayBufferWriter<byte>();

        var first = decoder.Decode(body.AsSpan(0, 30_000), sink);
        var second = decoder.Decode(body.AsSpan(30_000), sink);

        Assert.True(first.IsIncomplete);
        Assert.Equal(30_000, first.Consumed);
        Assert.True(second.IsComplete);
        Assert.Equal(data, sink.WrittenSpan.ToArray());
    }

    [Fact]
    public void Decode_TrailersOverLimit_AreRefused()
    {
        var decoder = new HttpChunkedDecoder(maxTrailerBytes: 8);

        var result = decoder.Decode("0\r\nX-Long: abcdef\r\n\r\n"u8);

        Assert.Equal(HttpRejectReason.TrailersTooLarge, result.Reason);
        Assert.Equal(431, HttpRejectReasons.StatusCode(result.Reason));
    }

    [Theory]
    [InlineData("5\r\nhello\r\n0\r\n\r\n", "")]
    [InlineData("5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n", "X-Checksum: abc\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nContent-Length: 5\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nHost: evil\r\nX-B: 2\r\n\r\n", "X-A: 1\r\nX-B: 2\r\n")]
    [InlineData("5\r\nhello\r\n0\r\nConnection: close\r\nTrailer: x\r\nUpgrade: h2c\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n", "")]
    [InlineData("5\r\nhello\r\n0\r\nAuthorization: Basic x\r\nCookie: a=b\r\nContent-Type: text/x\r\nX_Forwarded_For: 1\r\nContent_Length: 1\r\n\r\n", "")]
    public void Decode_FilteringTrailers_HoldsTheSectionBackAndDropsFramingRoutingAndHopByHopFields(string body, string kept)
    {
        var bytes = Bytes(body);
        var trailerStart = body.IndexOf("0\r\n", StringComparison.Ordinal) + 3;
        foreach (var split in new[] { 1, 4, bytes.Length })
        {
            var decoder = new HttpChunkedDecoder(filterTrailers: true);
            var forwarded = new List<byte>();
            HttpParseResult result = default;
            for (var at = 0; at < bytes.Length; at += split)
            {
                var piece = bytes.AsSpan(at, Math.Min(split, bytes.Length - at));
                result = decoder.Decode(piece);
                Assert.False(result.IsError);
                forwarded.AddRange(piece[..(int)decoder.LastForwardable].ToArray());
            }

            Assert.True(result.IsComplete);
            Assert.Equal(body[..trailerStart], Text(forwarded.ToArray()));
            var section = new byte[decoder.TrailerSectionMaxLength];
            var n = decoder.CopyTrailerSection(section);
            Assert.Equal(kept + "\r\n", Text(section.AsSpan(0, n)));
        }
    }

    [Fact]
    public void Decode_NotFilteringTrailers_EverythingIsForwardable()
    {
        var decoder = new HttpChunkedDecoder();
        var body = "5\r\nhello\r\n0\r\nContent-Length: 5\r\n\r\n"u8;

        var result = decoder.Decode(body);

        Assert.True(result.IsComplete);
        Assert.Equal(body.Length, decoder.LastForwardable);
    }

    [Fact]
    public void Decode_FilteringTrailersOverASegmentedSequence_ForwardableStopsAtTheTrailers()
    {
        var decoder = new HttpChunkedDecoder(filterTrailers: true);
        var sequence = ByteSegments(Bytes("5\r\nhello\r\n0\r\nHost: x\r\nX-T: 1\r\n\r\n"));

        var result = decoder.Decode(sequence);

        Assert.True(result.IsComplete);
        Assert.Equal("5\r\nhello\r\n0\r\n".Length, decoder.LastForwardable);
        var section = new byte[decoder.TrailerSectionMaxLength];
        Assert.Equal("X-T: 1\r\n\r\n", Text(section.AsSpan(0, decoder.CopyTrailerSection(section))));
    }

    [Fact]
    public void Decode_MaximumChunkSize_IsAcceptedAsFraming()
    {
        var decoder = new HttpChunkedDecoder();

        var result = decoder.Decode("4000000000000000\r\nabc"u8);

        Assert.True(result.IsIncomplete);
        Assert.Equal(3, decoder.DataBytes);
    }
}
