using System.Buffers.Binary;

namespace Fulcrum.Appliance.Http.Http2;

/// <summary>A peer's SETTINGS values (RFC 9113 §6.5.2), starting at the RFC's initial values.</summary>
public readonly record struct Http2Settings(
    int HeaderTableSize,
    bool EnablePush,
    int MaxConcurrentStreams,
    int InitialWindowSize,
    int MaxFrameSize,
    int MaxHeaderListSize)
{
    public const ushort HeaderTableSizeId = 0x1;
    public const ushort EnablePushId = 0x2;
    public const ushort MaxConcurrentStreamsId = 0x3;
    public const ushort InitialWindowSizeId = 0x4;
    public const ushort MaxFrameSizeId = 0x5;
    public const ushort MaxHeaderListSizeId = 0x6;

    public static Http2Settings Initial => new(4096, true, int.MaxValue, 65_535, Http2FrameHeader.DefaultMaxFrameSize, int.MaxValue);

    /// <summary>
    /// Applies a SETTINGS payload (its length already checked to be a multiple of 6). Unknown identifiers are ignored
    /// (§6.5.2); an ENABLE_PUSH other than 0 or 1 and a MAX_FRAME_SIZE out of range are PROTOCOL_ERROR, an
    /// INITIAL_WINDOW_SIZE above 2^31 - 1 is FLOW_CONTROL_ERROR. On error <paramref name="settings"/> is unchanged.
    /// Values above int range are kept at int.MaxValue, which no limit here reaches.
    /// </summary>
    public static Http2ErrorCode TryApply(ReadOnlySpan<byte> payload, ref Http2Settings settings)
    {
        var next = settings;
        for (var i = 0; i + 6 <= payload.Length; i += 6)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
            var clamped = (int)Math.Min(value, int.MaxValue);
            switch (id)
            {
                case HeaderTableSizeId:
                    next = next with { HeaderTableSize = clamped };
                    break;
                case EnablePushId:
                    if (value > 1)
                    {
                        return Http2ErrorCode.ProtocolError;
                    }

                    next = next with { EnablePush = value == 1 };
                    break;
                case MaxConcurrentStreamsId:
                    next = next with { MaxConcurrentStreams = clamped };
                    break;
                case InitialWindowSizeId:
                    if (value > int.MaxValue)
                    {
                        return Http2ErrorCode.FlowControlError;
                    }

                    next = next with { InitialWindowSize = clamped };
                    break;
                case MaxFrameSizeId:
                    if (value < Http2FrameHeader.DefaultMaxFrameSize || value > Http2FrameHeader.MaxAllowedFrameSize)
                    {
                        return Http2ErrorCode.ProtocolError;
                    }

                    next = next with { MaxFrameSize = clamped };
                    break;
                case MaxHeaderListSizeId:
                    next = next with { MaxHeaderListSize = clamped };
                    break;
            }
        }

        settings = next;
        return Http2ErrorCode.NoError;
    }

    /// <summary>Writes one setting (6 bytes).</summary>
    public static void Write(Span<byte> destination, ushort id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, id);
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], value);
    }
}
