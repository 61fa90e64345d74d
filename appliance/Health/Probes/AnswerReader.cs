using System.Buffers;
using System.Text;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// Reads a target's answer for matching: until the peer closes, the answer is complete (a predicate says so), or
/// <see cref="MaxBytes"/> have arrived. Bounded so a target that streams forever costs 64 KiB, not memory without end.
/// </summary>
internal static class AnswerReader
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// Returns the answer as Latin-1 text (one char per byte, so patterns see exactly what was sent). When the token
    /// fires after some bytes arrived, returns what came with <c>TimedOut</c> set instead of throwing.
    /// </summary>
    public static async Task<(string Text, bool TimedOut)> ReadAsync(Stream stream, Func<string, bool> complete, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes);
        var length = 0;
        try
        {
            while (length < MaxBytes)
            {
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer.AsMemory(length, MaxBytes - length), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && length > 0)
                {
                    return (Encoding.Latin1.GetString(buffer, 0, length), true);
                }
                if (n == 0)
                {
                    break;
                }
                length += n;
                if (complete(Encoding.Latin1.GetString(buffer, 0, length)))
                {
                    break;
                }
            }
            return (Encoding.Latin1.GetString(buffer, 0, length), false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
