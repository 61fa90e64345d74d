namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// The checks of RFC 9113 §4.2 and §6 that a frame header alone decides: its length against SETTINGS_MAX_FRAME_SIZE,
/// the fixed payload sizes and which frames belong on stream 0. Each rule's error is a connection error unless noted;
/// state checks (idle or closed streams, CONTINUATION sequencing, flow control) are the connection's.
/// </summary>
public static class Http2FrameRules
{
    /// <summary>
    /// <see cref="Http2ErrorCode.NoError"/> when the header is acceptable from a client. <paramref name="streamError"/>
    /// is true when the RFC allows refusing only the stream (PRIORITY of the wrong size, §6.3).
    /// </summary>
    public static Http2ErrorCode CheckFromClient(in Http2FrameHeader header, int maxFrameSize, out bool streamError)
    {
        streamError = false;
        if (header.Length > maxFrameSize)
        {
            return Http2ErrorCode.FrameSizeError;
        }

        switch (header.Type)
        {
            case Http2FrameType.Data:
            case Http2FrameType.Headers:
            case Http2FrameType.Continuation:
                return header.StreamId == 0 ? Http2ErrorCode.ProtocolError : Http2ErrorCode.NoError;
            case Http2FrameType.Priority:
                if (header.StreamId == 0)
                {
                    return Http2ErrorCode.ProtocolError;
                }

                streamError = header.Length != 5;
                return streamError ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError;
            case Http2FrameType.RstStream:
                return header.StreamId == 0 ? Http2ErrorCode.ProtocolError
                    : header.Length != 4 ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError;
            case Http2FrameType.Settings:
                return header.StreamId != 0 ? Http2ErrorCode.ProtocolError
                    : header.HasFlag(Http2FrameFlags.Ack) ? (header.Length != 0 ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError)
                    : header.Length % 6 != 0 ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError;
            case Http2FrameType.PushPromise:
                // §8.4: a client cannot push, and we announce SETTINGS_ENABLE_PUSH 0 anyway.
                return Http2ErrorCode.ProtocolError;
            case Http2FrameType.Ping:
                return header.StreamId != 0 ? Http2ErrorCode.ProtocolError
                    : header.Length != 8 ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError;
            case Http2FrameType.GoAway:
                return header.StreamId != 0 ? Http2ErrorCode.ProtocolError
                    : header.Length < 8 ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError;
            case Http2FrameType.WindowUpdate:
                return header.Length != 4 ? Http2ErrorCode.FrameSizeError : Http2ErrorCode.NoError;
            default:
                return Http2ErrorCode.NoError;
        }
    }

    /// <summary>
    /// Strips the padding of a DATA or HEADERS frame (§6.1, §6.2): <see cref="Http2ErrorCode.ProtocolError"/> when the
    /// pad length is not smaller than the payload.
    /// </summary>
    public static Http2ErrorCode RemovePadding(in Http2FrameHeader header, ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> content)
    {
        content = payload;
        if (!header.HasFlag(Http2FrameFlags.Padded))
        {
            return Http2ErrorCode.NoError;
        }

        if (payload.IsEmpty || payload[0] >= payload.Length)
        {
            content = default;
            return Http2ErrorCode.ProtocolError;
        }

        content = payload[1..^payload[0]];
        return Http2ErrorCode.NoError;
    }
}
