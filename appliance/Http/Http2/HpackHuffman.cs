namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// The static Huffman code of RFC 7541 Appendix B. The code is canonical (codes of one length are consecutive and
/// ordered by symbol, shorter codes first), so the bit length of each symbol defines it completely: the tables are
/// built from those 257 lengths at start-up, and decoding compares the next bits against the last code of each length
/// instead of walking a tree.
/// </summary>
public static class HpackHuffman
{
    private const int MinLength = 5;
    private const int MaxLength = 30;
    private const int Eos = 256;

    // Bit length per symbol 0..256 (EOS), one character each: '0'-'9' = 0-9, 'a' = 10 ... 'u' = 30 (RFC 7541 Appendix B).
    private const string Lengths =
        "dnsssssssoussussssssssusssssssss6aacd68baa8b8666555666666678f6cad6777777777777777777777787" +
        "8djde6f56565666577666567655677777fbedskmkkmmmnmnnnnnonoomnonnnnlmnmnnomlkmmnnlnmmolmnnllml" +
        "nmnnkmmmnmmnqqkjmnmpqqqrrqopjlqrrqrollqqsrrrkoklmllnmmppooqnqrqqrrrrrsrrrrrqu";

    private static readonly uint[] Codes = new uint[257];
    private static readonly byte[] CodeLengths = new byte[257];

    // Per length: the first code of that length, one past its last, and where its symbols start in SortedSymbols.
    private static readonly uint[] FirstCode = new uint[MaxLength + 1];
    private static readonly uint[] EndCode = new uint[MaxLength + 1];
    private static readonly int[] SymbolOffset = new int[MaxLength + 1];
    private static readonly ushort[] SortedSymbols = new ushort[257];

    static HpackHuffman()
    {
        for (var s = 0; s < 257; s++)
        {
            var c = Lengths[s];
            CodeLengths[s] = (byte)(c <= '9' ? c - '0' : c - 'a' + 10);
        }

        var n = 0;
        uint code = 0;
        for (var len = MinLength; len <= MaxLength; len++)
        {
            FirstCode[len] = code;
            SymbolOffset[len] = n;
            for (var s = 0; s < 257; s++)
            {
                if (CodeLengths[s] == len)
                {
                    Codes[s] = code++;
                    SortedSymbols[n++] = (ushort)s;
                }
            }

            EndCode[len] = code;
            code <<= 1;
        }
    }

    /// <summary>Bytes the Huffman form of <paramref name="src"/> takes.</summary>
    public static int GetEncodedLength(ReadOnlySpan<byte> src)
    {
        long bits = 0;
        foreach (var b in src)
        {
            bits += CodeLengths[b];
        }

        return (int)((bits + 7) >> 3);
    }

    /// <summary>Writes the Huffman form of <paramref name="src"/>, padded with the EOS prefix; 0 when it does not fit.</summary>
    public static int Encode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        ulong acc = 0;
        var bits = 0;
        var written = 0;
        foreach (var b in src)
        {
            int len = CodeLengths[b];
            acc = (acc << len) | Codes[b];
            bits += len;
            while (bits >= 8)
            {
                if (written >= dst.Length)
                {
                    return 0;
                }

                bits -= 8;
                dst[written++] = (byte)(acc >> bits);
            }
        }

        if (bits > 0)
        {
            if (written >= dst.Length)
            {
                return 0;
            }

            dst[written++] = (byte)((acc << (8 - bits)) | (0xffu >> bits));
        }

        return written;
    }

    /// <summary>Decodes <paramref name="src"/> into <paramref name="dst"/>; <see cref="HpackError.StringTooLong"/> when it does not fit.</summary>
    public static HpackError Decode(ReadOnlySpan<byte> src, Span<byte> dst, out int written)
    {
        written = 0;
        ulong acc = 0;
        var bits = 0;
        foreach (var b in src)
        {
            acc = (acc << 8) | b;
            bits += 8;

            // With at least MaxLength bits buffered a symbol always completes, so the inner loop never runs dry.
            while (bits >= MaxLength)
            {
                var error = DecodeOne(ref acc, ref bits, dst, ref written, out _);
                if (error != HpackError.None)
                {
                    return error;
                }
            }
        }

        while (bits >= MinLength)
        {
            var error = DecodeOne(ref acc, ref bits, dst, ref written, out var complete);
            if (error != HpackError.None)
            {
                return error;
            }

            if (!complete)
            {
                break;
            }
        }

        // What is left must be padding: fewer than 8 bits, all ones (the most significant bits of EOS).
        if (bits >= 8)
        {
            return HpackError.HuffmanInvalidPadding;
        }

        var mask = (1UL << bits) - 1;
        return (acc & mask) == mask ? HpackError.None : HpackError.HuffmanInvalidPadding;
    }

    private static HpackError DecodeOne(ref ulong acc, ref int bits, Span<byte> dst, ref int written, out bool complete)
    {
        var max = Math.Min(bits, MaxLength);
        for (var len = MinLength; len <= max; len++)
        {
            var code = (uint)(acc >> (bits - len)) & (uint)((1UL << len) - 1);
            if (code >= EndCode[len])
            {
                continue;
            }

            var symbol = SortedSymbols[SymbolOffset[len] + (int)(code - FirstCode[len])];
            if (symbol == Eos)
            {
                complete = false;
                return HpackError.HuffmanInvalidCode;
            }

            if (written >= dst.Length)
            {
                complete = false;
                return HpackError.StringTooLong;
            }

            dst[written++] = (byte)symbol;
            bits -= len;
            complete = true;
            return HpackError.None;
        }

        complete = false;
        return bits >= MaxLength ? HpackError.HuffmanInvalidCode : HpackError.None;
    }
}
