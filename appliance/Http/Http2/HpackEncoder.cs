namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// Encodes header blocks for one connection direction. A field found whole in a table is written as an index; else
/// its name is indexed when a table has it and the value is written as a literal, Huffman-coded unless that is longer (the RFC examples code equal lengths too).
/// Literals go into the dynamic table only with <see cref="HpackIndexing.Incremental"/>. Writes are all or nothing:
/// a field that does not fit leaves the destination's tail and the table unchanged.
/// </summary>
public sealed class HpackEncoder : IDisposable
{
    private readonly HpackDynamicTable _table;
    private readonly bool _huffman;
    private int _pendingSizeUpdate = -1;
    private int _lowestPendingSize = -1;

    /// <param name="limit">The most table this encoder ever uses, whatever the peer's SETTINGS_HEADER_TABLE_SIZE allows.</param>
    /// <param name="huffman">Huffman-code literals unless that makes them longer.</param>
    public HpackEncoder(int limit = 4096, bool huffman = true)
    {
        _table = new HpackDynamicTable(limit);
        _huffman = huffman;
    }

    public HpackDynamicTable Table => _table;

    /// <summary>
    /// The peer's SETTINGS_HEADER_TABLE_SIZE changed: the table shrinks (or grows up to the limit) and the next block
    /// starts with size updates, the smallest size seen first when it went down and up again (RFC 7541 §4.2).
    /// </summary>
    public void SetPeerTableSize(int peerSize)
    {
        var size = Math.Min(peerSize, _table.Limit);
        if (size == _table.MaxSize && _pendingSizeUpdate < 0)
        {
            return;
        }

        _lowestPendingSize = _lowestPendingSize < 0 ? Math.Min(size, _table.MaxSize) : Math.Min(_lowestPendingSize, size);
        _pendingSizeUpdate = size;
        _table.SetMaxSize(size);
    }

    /// <summary>Writes the pending table size updates; call at the start of each block. Returns bytes written, -1 when it does not fit.</summary>
    public int BeginBlock(Span<byte> dst)
    {
        if (_pendingSizeUpdate < 0)
        {
            return 0;
        }

        var written = 0;
        if (_lowestPendingSize < _pendingSizeUpdate)
        {
            var n = HpackInteger.Encode(dst, _lowestPendingSize, 5, 0x20);
            if (n == 0)
            {
                return -1;
            }

            written = n;
        }

        var m = HpackInteger.Encode(dst[written..], _pendingSizeUpdate, 5, 0x20);
        if (m == 0)
        {
            return -1;
        }

        _pendingSizeUpdate = _lowestPendingSize = -1;
        return written + m;
    }

    /// <summary>Encodes one field; <see cref="HpackError.DestinationTooSmall"/> when it does not fit.</summary>
    public HpackError Encode(
        ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, Span<byte> dst, out int written,
        HpackIndexing indexing = HpackIndexing.Incremental)
    {
        written = 0;
        var staticIndex = HpackStaticTable.Find(name, value, out var staticExact);
        if (staticExact)
        {
            return Indexed(staticIndex, dst, out written);
        }

        var dynamicIndex = _table.Find(name, value, out var dynamicExact);
        if (dynamicExact)
        {
            return Indexed(dynamicIndex + HpackStaticTable.Count + 1, dst, out written);
        }

        var nameIndex = staticIndex != 0 ? staticIndex : dynamicIndex >= 0 ? dynamicIndex + HpackStaticTable.Count + 1 : 0;
        var (prefixBits, flags) = indexing switch
        {
            HpackIndexing.Incremental => (6, (byte)0x40),
            HpackIndexing.NeverIndexed => (4, (byte)0x10),
            _ => (4, (byte)0x00),
        };

        var n = HpackInteger.Encode(dst, nameIndex, prefixBits, flags);
        if (n == 0)
        {
            return HpackError.DestinationTooSmall;
        }

        var pos = n;
        if (nameIndex == 0)
        {
            n = WriteString(name, dst[pos..]);
            if (n == 0)
            {
                return HpackError.DestinationTooSmall;
            }

            pos += n;
        }

        n = WriteString(value, dst[pos..]);
        if (n == 0)
        {
            return HpackError.DestinationTooSmall;
        }

        pos += n;
        if (indexing == HpackIndexing.Incremental)
        {
            _table.Add(name, value);
        }

        written = pos;
        return HpackError.None;
    }

    public void Dispose() => _table.Dispose();

    private static HpackError Indexed(int index, Span<byte> dst, out int written)
    {
        written = HpackInteger.Encode(dst, index, 7, 0x80);
        return written == 0 ? HpackError.DestinationTooSmall : HpackError.None;
    }

    private int WriteString(ReadOnlySpan<byte> s, Span<byte> dst)
    {
        if (_huffman)
        {
            var huffmanLength = HpackHuffman.GetEncodedLength(s);
            if (huffmanLength <= s.Length)
            {
                var n = HpackInteger.Encode(dst, huffmanLength, 7, 0x80);
                if (n == 0 || dst.Length - n < huffmanLength)
                {
                    return 0;
                }

                return n + HpackHuffman.Encode(s, dst.Slice(n, huffmanLength));
            }
        }

        var m = HpackInteger.Encode(dst, s.Length, 7, 0x00);
        if (m == 0 || dst.Length - m < s.Length)
        {
            return 0;
        }

        s.CopyTo(dst[m..]);
        return m + s.Length;
    }
}
