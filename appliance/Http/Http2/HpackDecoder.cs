using System.Buffers;

namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// Decodes complete header blocks (HEADERS plus its CONTINUATIONs, joined by the caller) of one connection direction.
/// It throws nothing and makes no strings: fields go to an <see cref="IHpackHeaderHandler"/> as spans, Huffman strings
/// are decoded into two scratch buffers rented once per decoder, and every failure is an <see cref="HpackError"/>.
/// </summary>
public sealed class HpackDecoder : IDisposable
{
    private readonly HpackDecoderLimits _limits;
    private readonly HpackDynamicTable _table;
    private byte[] _nameScratch;
    private byte[] _valueScratch;

    public HpackDecoder(HpackDecoderLimits limits)
    {
        _limits = limits;
        _table = new HpackDynamicTable(limits.MaxTableSize);
        _nameScratch = ArrayPool<byte>.Shared.Rent(limits.MaxStringLength);
        _valueScratch = ArrayPool<byte>.Shared.Rent(limits.MaxStringLength);
    }

    public HpackDynamicTable Table => _table;

    /// <summary>
    /// Decodes one header block. On any error other than <see cref="HpackError.HeaderListTooLarge"/> the connection must
    /// end (COMPRESSION_ERROR); past the header list limit the block is still decoded to its end, keeping the table in
    /// step, but no further field reaches the handler.
    /// </summary>
    public HpackError Decode<THandler>(ReadOnlySpan<byte> block, THandler handler)
        where THandler : IHpackHeaderHandler
    {
        var pos = 0;
        var listSize = 0L;
        var sawField = false;
        var tooLarge = false;
        while (pos < block.Length)
        {
            var b = block[pos];
            ReadOnlySpan<byte> name;
            ReadOnlySpan<byte> value;
            HpackError error;
            if ((b & 0x80) != 0)
            {
                // §6.1 indexed field.
                error = HpackInteger.TryDecode(block, ref pos, 7, out var index);
                if (error == HpackError.None)
                {
                    error = Lookup(index, out name, out value);
                }
                else
                {
                    name = value = default;
                }

                if (error != HpackError.None)
                {
                    return error;
                }
            }
            else if ((b & 0xe0) == 0x20)
            {
                // §6.3 dynamic table size update: only before the first field of a block.
                if (sawField)
                {
                    return HpackError.TableSizeUpdateNotAtStart;
                }

                error = HpackInteger.TryDecode(block, ref pos, 5, out var size);
                if (error != HpackError.None)
                {
                    return error;
                }

                if (size > _limits.MaxTableSize)
                {
                    return HpackError.TableSizeUpdateTooLarge;
                }

                _table.SetMaxSize(size);
                continue;
            }
            else
            {
                // §6.2.1 incremental indexing (01xxxxxx, 6-bit index), §6.2.2 without (0000xxxx) and §6.2.3 never (0001xxxx).
                var incremental = (b & 0xc0) == 0x40;
                error = HpackInteger.TryDecode(block, ref pos, incremental ? 6 : 4, out var index);
                if (error != HpackError.None)
                {
                    return error;
                }

                if (index == 0)
                {
                    error = ReadString(block, ref pos, _nameScratch, out name);
                }
                else
                {
                    error = Lookup(index, out name, out _);
                }

                if (error != HpackError.None)
                {
                    return error;
                }

                error = ReadString(block, ref pos, _valueScratch, out value);
                if (error != HpackError.None)
                {
                    return error;
                }

                if (incremental)
                {
                    // The handler sees the field before it is added: adding may evict the entry the name came from.
                    sawField = true;
                    listSize += name.Length + value.Length + HpackDynamicTable.EntryOverhead;
                    tooLarge |= listSize > _limits.MaxHeaderListSize;
                    if (!tooLarge)
                    {
                        handler.OnHeader(name, value);
                    }

                    _table.Add(name, value);
                    continue;
                }
            }

            sawField = true;
            listSize += name.Length + value.Length + HpackDynamicTable.EntryOverhead;
            tooLarge |= listSize > _limits.MaxHeaderListSize;
            if (!tooLarge)
            {
                handler.OnHeader(name, value);
            }
        }

        return tooLarge ? HpackError.HeaderListTooLarge : HpackError.None;
    }

    public void Dispose()
    {
        _table.Dispose();
        if (_nameScratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_nameScratch);
            ArrayPool<byte>.Shared.Return(_valueScratch);
            _nameScratch = _valueScratch = [];
        }
    }

    private HpackError Lookup(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        if (index == 0)
        {
            name = value = default;
            return HpackError.IndexZero;
        }

        if (index <= HpackStaticTable.Count)
        {
            name = HpackStaticTable.Name(index);
            value = HpackStaticTable.Value(index);
            return HpackError.None;
        }

        var dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= _table.Count)
        {
            name = value = default;
            return HpackError.IndexOutOfRange;
        }

        name = _table.Name(dynamicIndex);
        value = _table.Value(dynamicIndex);
        return HpackError.None;
    }

    private HpackError ReadString(ReadOnlySpan<byte> block, scoped ref int pos, byte[] scratch, out ReadOnlySpan<byte> result)
    {
        result = default;
        if (pos >= block.Length)
        {
            return HpackError.Truncated;
        }

        var huffman = (block[pos] & 0x80) != 0;
        var error = HpackInteger.TryDecode(block, ref pos, 7, out var length);
        if (error != HpackError.None)
        {
            return error;
        }

        if (length > block.Length - pos)
        {
            return HpackError.Truncated;
        }

        var raw = block.Slice(pos, length);
        pos += length;
        if (!huffman)
        {
            if (length > _limits.MaxStringLength)
            {
                return HpackError.StringTooLong;
            }

            result = raw;
            return HpackError.None;
        }

        error = HpackHuffman.Decode(raw, scratch.AsSpan(0, _limits.MaxStringLength), out var written);
        if (error != HpackError.None)
        {
            return error;
        }

        result = scratch.AsSpan(0, written);
        return HpackError.None;
    }
}
