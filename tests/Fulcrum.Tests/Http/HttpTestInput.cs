using System.Buffers;
using System.Text;

namespace Fulcrum.Tests.Http;

/// <summary>Builds parser input: Latin-1 so a test string can carry any byte, and sequences split into real segments.</summary>
internal static class HttpTestInput
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>One segment per byte: the worst case for anything that assumes a contiguous buffer.</summary>
    public static ReadOnlySequence<byte> ByteSegments(byte[] bytes) =>
        Segments(bytes, Enumerable.Range(1, Math.Max(bytes.Length - 1, 0)).ToArray());

    /// <summary>Splits <paramref name="bytes"/> at the given ascending offsets.</summary>
    public static ReadOnlySequence<byte> Segments(byte[] bytes, params int[] splits)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var bounds = splits.Where(s => s > 0 && s < bytes.Length).Distinct().Order().Append(bytes.Length).ToArray();
        var first = new Segment(bytes.AsMemory(0, bounds[0]), 0);
        var last = first;
        for (var i = 1; i < bounds.Length; i++)
        {
            last = last.Append(bytes.AsMemory(bounds[i - 1], bounds[i] - bounds[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
