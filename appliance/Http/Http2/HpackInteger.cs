namespace Fulcrum.Appliance.Http.Http2;

/// <summary>The prefixed integers of RFC 7541 §5.1, limited to 31 bits (every HPACK quantity fits).</summary>
public static class HpackInteger
{
    /// <summary>
    /// Reads an integer whose first byte is <c>src[pos]</c> with an N-bit prefix, and moves <paramref name="pos"/> past
    /// it. Redundant zero continuation bytes are allowed by the RFC but bounded here: five continuation bytes carry 35
    /// bits, so a sixth can only be padding meant to keep a parser busy.
    /// </summary>
    public static HpackError TryDecode(ReadOnlySpan<byte> src, ref int pos, int prefixBits, out int value)
    {
        value = 0;
        if ((uint)pos >= (uint)src.Length)
        {
            return HpackError.Truncated;
        }

        var max = (1 << prefixBits) - 1;
        var first = src[pos] & max;
        var i = pos + 1;
        if (first < max)
        {
            pos = i;
            value = first;
            return HpackError.None;
        }

        long result = max;
        var shift = 0;
        while (true)
        {
            if ((uint)i >= (uint)src.Length)
            {
                return HpackError.Truncated;
            }

            var b = src[i++];
            result += (long)(b & 0x7f) << shift;
            if (result > int.MaxValue)
            {
                return HpackError.IntegerOverflow;
            }

            if ((b & 0x80) == 0)
            {
                break;
            }

            shift += 7;
            if (shift > 28)
            {
                return HpackError.IntegerOverflow;
            }
        }

        pos = i;
        value = (int)result;
        return HpackError.None;
    }

    /// <summary>Writes <paramref name="value"/> with an N-bit prefix, OR-ing <paramref name="flags"/> into the first byte; 0 when it does not fit.</summary>
    public static int Encode(Span<byte> dst, int value, int prefixBits, byte flags)
    {
        if (dst.IsEmpty)
        {
            return 0;
        }

        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            dst[0] = (byte)(flags | value);
            return 1;
        }

        dst[0] = (byte)(flags | max);
        var rest = (uint)(value - max);
        var i = 1;
        while (rest >= 0x80)
        {
            if (i >= dst.Length)
            {
                return 0;
            }

            dst[i++] = (byte)(rest | 0x80);
            rest >>= 7;
        }

        if (i >= dst.Length)
        {
            return 0;
        }

        dst[i++] = (byte)rest;
        return i;
    }
}
