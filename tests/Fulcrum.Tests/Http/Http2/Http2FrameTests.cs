using Fulcrum.Appliance.Http.Http2;

namespace Fulcrum.Tests.Http.Http2;

public sealed class Http2FrameTests
{
    [Fact]
    public void FrameHeader_WriteThenRead_RoundTripsAndDropsTheReservedBit()
    {
        var buffer = new byte[Http2FrameHeader.Size];
        new Http2FrameHeader(0x123456, Http2FrameType.Headers, Http2FrameFlags.EndHeaders | Http2FrameFlags.EndStream, 0x7fff_ffff).Write(buffer);
        Assert.Equal("12345601057fffffff", Convert.ToHexStringLower(buffer));

        buffer[5] |= 0x80; // the reserved bit, set by a peer, must be ignored (§4.1)
        Assert.True(Http2FrameHeader.TryRead(buffer, out var header));

        Assert.Equal(new Http2FrameHeader(0x123456, Http2FrameType.Headers, 0x05, 0x7fff_ffff), header);
        Assert.False(Http2FrameHeader.TryRead(buffer.AsSpan(0, 8), out _));
    }

    public static TheoryData<string, Http2ErrorCode, bool> ClientFrames => new()
    {
        // type, length, flags, stream → what RFC 9113 says (h2spec's case numbers in the comments).
        { "data 16385 0 1", Http2ErrorCode.FrameSizeError, false },          // 4.2/1: over SETTINGS_MAX_FRAME_SIZE
        { "data 4 0 0", Http2ErrorCode.ProtocolError, false },               // 6.1/1
        { "headers 4 4 0", Http2ErrorCode.ProtocolError, false },            // 6.2/2
        { "priority 5 0 0", Http2ErrorCode.ProtocolError, false },           // 6.3/1
        { "priority 4 0 1", Http2ErrorCode.FrameSizeError, true },           // 6.3/2: a stream error
        { "rst_stream 4 0 0", Http2ErrorCode.ProtocolError, false },         // 6.4/2
        { "rst_stream 3 0 1", Http2ErrorCode.FrameSizeError, false },        // 6.4/3
        { "settings 6 0 1", Http2ErrorCode.ProtocolError, false },           // 6.5/2
        { "settings 6 1 0", Http2ErrorCode.FrameSizeError, false },          // 6.5/1: ACK with a payload
        { "settings 5 0 0", Http2ErrorCode.FrameSizeError, false },          // 6.5/3
        { "push_promise 4 4 1", Http2ErrorCode.ProtocolError, false },       // 8.4: clients cannot push
        { "ping 8 0 1", Http2ErrorCode.ProtocolError, false },               // 6.7/3
        { "ping 7 0 0", Http2ErrorCode.FrameSizeError, false },              // 6.7/4
        { "goaway 8 0 1", Http2ErrorCode.ProtocolError, false },             // 6.8/1
        { "goaway 7 0 0", Http2ErrorCode.FrameSizeError, false },
        { "window_update 3 0 0", Http2ErrorCode.FrameSizeError, false },     // 6.9/3
        { "continuation 0 4 0", Http2ErrorCode.ProtocolError, false },
        { "data 16384 1 1", Http2ErrorCode.NoError, false },
        { "settings 0 1 0", Http2ErrorCode.NoError, false },
        { "priority 5 0 3", Http2ErrorCode.NoError, false },
        { "window_update 4 0 0", Http2ErrorCode.NoError, false },
        { "unknown 100 255 7", Http2ErrorCode.NoError, false },              // 5.5/1: extension frames are ignored
    };

    [Theory]
    [MemberData(nameof(ClientFrames))]
    public void CheckFromClient_FollowsRfc9113Section6(string frame, Http2ErrorCode expected, bool expectedStreamError)
    {
        var parts = frame.Split(' ');
        var type = parts[0] == "unknown" ? (Http2FrameType)0xfa : Enum.Parse<Http2FrameType>(parts[0].Replace("_", ""), ignoreCase: true);
        var header = new Http2FrameHeader(int.Parse(parts[1]), type, byte.Parse(parts[2]), int.Parse(parts[3]));

        Assert.Equal(expected, Http2FrameRules.CheckFromClient(header, Http2FrameHeader.DefaultMaxFrameSize, out var streamError));
        Assert.Equal(expectedStreamError, streamError);
    }

    [Theory]
    [InlineData("", false, "")]                         // not padded: the payload as is
    [InlineData("0268690000", true, "6869")]            // pad length 2
    [InlineData("00", true, "")]                        // pad length 0, no content
    [InlineData("04686900", true, null)]                // 6.1/2: pad length not below the payload length
    [InlineData("03686900", true, "")]                  // pad length one below: empty content, allowed
    [InlineData("", true, null)]                        // padded flag with no pad length byte
    public void RemovePadding_StripsOrRefuses(string payloadHex, bool padded, string? contentHex)
    {
        var payload = Convert.FromHexString(payloadHex);
        var header = new Http2FrameHeader(payload.Length, Http2FrameType.Data, padded ? Http2FrameFlags.Padded : (byte)0, 1);

        var error = Http2FrameRules.RemovePadding(header, payload, out var content);

        Assert.Equal(contentHex is null ? Http2ErrorCode.ProtocolError : Http2ErrorCode.NoError, error);
        Assert.Equal(contentHex ?? "", Convert.ToHexStringLower(content));
    }

    [Fact]
    public void Settings_TryApply_TakesKnownValuesAndIgnoresUnknownOnes()
    {
        var payload = new byte[36];
        Http2Settings.Write(payload, Http2Settings.HeaderTableSizeId, 0);
        Http2Settings.Write(payload.AsSpan(6), Http2Settings.EnablePushId, 0);
        Http2Settings.Write(payload.AsSpan(12), Http2Settings.MaxConcurrentStreamsId, 100);
        Http2Settings.Write(payload.AsSpan(18), Http2Settings.InitialWindowSizeId, 1 << 20);
        Http2Settings.Write(payload.AsSpan(24), Http2Settings.MaxFrameSizeId, 1 << 20);
        Http2Settings.Write(payload.AsSpan(30), 0xabcd, 7);
        var settings = Http2Settings.Initial;

        Assert.Equal(Http2ErrorCode.NoError, Http2Settings.TryApply(payload, ref settings));

        Assert.Equal(new Http2Settings(0, false, 100, 1 << 20, 1 << 20, int.MaxValue), settings);
    }

    [Theory]
    [InlineData(Http2Settings.EnablePushId, 2u, Http2ErrorCode.ProtocolError)]                 // 6.5.2/1
    [InlineData(Http2Settings.InitialWindowSizeId, 0x8000_0000u, Http2ErrorCode.FlowControlError)] // 6.5.2/2
    [InlineData(Http2Settings.MaxFrameSizeId, 16_383u, Http2ErrorCode.ProtocolError)]            // 6.5.2/3
    [InlineData(Http2Settings.MaxFrameSizeId, 16_777_216u, Http2ErrorCode.ProtocolError)]        // 6.5.2/4
    public void Settings_TryApply_RefusesValuesOutOfRangeAndChangesNothing(ushort id, uint value, Http2ErrorCode expected)
    {
        var payload = new byte[12];
        Http2Settings.Write(payload, Http2Settings.MaxConcurrentStreamsId, 5);
        Http2Settings.Write(payload.AsSpan(6), id, value);
        var settings = Http2Settings.Initial;

        Assert.Equal(expected, Http2Settings.TryApply(payload, ref settings));

        Assert.Equal(Http2Settings.Initial, settings);
    }
}
