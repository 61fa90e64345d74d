using System.Buffers.Binary;

namespace Fulcrum.Appliance.Http.Http2;

/// <summary>The 9-byte frame header of RFC 9113 §4.1. The reserved bit of the stream id is dropped on read and sent as 0.</summary>
public readonly record struct Http2FrameHeader(int Length, Http2FrameType Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    /// <summary>SETTINGS_MAX_FRAME_SIZE before any SETTINGS, and its lowest allowed value (§6.5.2).</summary>
    public const int DefaultMaxFrameSize = 16_384;

    /// <summary>The largest SETTINGS_MAX_FRAME_SIZE a peer may announce: 2^24 - 1.</summary>
    public const int MaxAllowedFrameSize = 16_777_215;

    public bool HasFlag(byte flag) => (Flags & flag) != 0;

    /// <summary>Reads a header; false when fewer than <see cref="Size"/> bytes are there.</summary>
    public static bool TryRead(ReadOnlySpan<byte> input, out Http2FrameHeader header)
    {
        if (input.Length < Size)
        {
            header = default;
            return false;
        }

        var length = (input[0] << 16) | (input[1] << 8) | input[2];
        var streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(input[5..]) & 0x7fff_ffffu);
        header = new Http2FrameHeader(length, (Http2FrameType)input[3], input[4], streamId);
        return true;
    }

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = (byte)Type;
        destination[4] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)StreamId & 0x7fff_ffffu);
    }
}
