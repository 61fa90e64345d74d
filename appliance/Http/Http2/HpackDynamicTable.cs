using System.Buffers;

namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// The dynamic table of RFC 7541 §2.3.2 / §4. Names and values live in one pooled byte buffer as large as the table's
/// limit; entries are appended at its end and the oldest evicted from the front. When the end is reached the live bytes
/// are moved to the start: at most the limit (4 KiB by default), and only once per buffer's worth of insertions, so the
/// table never allocates after construction. Entry 0 is the newest (HPACK index 62).
/// </summary>
public sealed class HpackDynamicTable : IDisposable
{
    /// <summary>RFC 7541 §4.1: each entry costs its name and value plus 32 bytes.</summary>
    public const int EntryOverhead = 32;

    private readonly int _limit;
    private byte[] _bytes;
    private Entry[] _entries;
    private int _first;      // ring index of the oldest entry
    private int _count;
    private int _end;        // one past the newest entry's bytes in _bytes

    /// <param name="limit">The most <see cref="MaxSize"/> may ever be (the SETTINGS_HEADER_TABLE_SIZE bound).</param>
    public HpackDynamicTable(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
        MaxSize = limit;
        _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(limit, 1));
        _entries = ArrayPool<Entry>.Shared.Rent(limit / EntryOverhead + 1);
    }

    public int Count => _count;

    /// <summary>Sum of entry sizes (RFC 7541 §4.1).</summary>
    public int Size { get; private set; }

    public int MaxSize { get; private set; }

    public int Limit => _limit;

    public ReadOnlySpan<byte> Name(int index)
    {
        ref readonly var e = ref At(index);
        return _bytes.AsSpan(e.Start, e.NameLength);
    }

    public ReadOnlySpan<byte> Value(int index)
    {
        ref readonly var e = ref At(index);
        return _bytes.AsSpan(e.Start + e.NameLength, e.ValueLength);
    }

    /// <summary>Applies a dynamic table size update; the caller has checked it against <see cref="Limit"/>.</summary>
    public void SetMaxSize(int maxSize)
    {
        MaxSize = Math.Min(maxSize, _limit);
        Evict(0);
    }

    /// <summary>
    /// Adds an entry. One larger than <see cref="MaxSize"/> empties the table and is not added (RFC 7541 §4.4). The name
    /// may point into this table (a literal naming an indexed entry): it is copied before evicting can overwrite it.
    /// </summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var size = name.Length + value.Length + EntryOverhead;
        if (size > MaxSize)
        {
            Clear();
            return;
        }

        byte[]? rented = null;
        if (Overlaps(name))
        {
            rented = ArrayPool<byte>.Shared.Rent(name.Length);
            name.CopyTo(rented);
            name = rented.AsSpan(0, name.Length);
        }

        try
        {
            Evict(size);
            var length = name.Length + value.Length;
            if (_end + length > _bytes.Length)
            {
                Compact();
            }

            name.CopyTo(_bytes.AsSpan(_end));
            value.CopyTo(_bytes.AsSpan(_end + name.Length));
            var slot = (_first + _count) % _entries.Length;
            _entries[slot] = new Entry(_end, name.Length, value.Length);
            _count++;
            _end += length;
            Size += size;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Index of an entry with this name and value (<paramref name="exact"/>), else with this name, else -1.</summary>
    public int Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out bool exact)
    {
        var nameIndex = -1;
        for (var i = 0; i < _count; i++)
        {
            if (!Name(i).SequenceEqual(name))
            {
                continue;
            }

            if (Value(i).SequenceEqual(value))
            {
                exact = true;
                return i;
            }

            if (nameIndex < 0)
            {
                nameIndex = i;
            }
        }

        exact = false;
        return nameIndex;
    }

    public void Dispose()
    {
        var bytes = Interlocked.Exchange(ref _bytes, []);
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = [];
        }

        _count = 0;
        Size = 0;
    }

    private ref readonly Entry At(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        // Newest first: the newest entry sits at ring position first + count - 1.
        return ref _entries[(_first + _count - 1 - index) % _entries.Length];
    }

    private void Evict(int room)
    {
        while (_count > 0 && Size + room > MaxSize)
        {
            ref readonly var oldest = ref _entries[_first];
            Size -= oldest.NameLength + oldest.ValueLength + EntryOverhead;
            _first = (_first + 1) % _entries.Length;
            _count--;
        }

        if (_count == 0)
        {
            _first = 0;
            _end = 0;
        }
    }

    private void Clear()
    {
        _first = 0;
        _count = 0;
        _end = 0;
        Size = 0;
    }

    private void Compact()
    {
        if (_count == 0)
        {
            _end = 0;
            return;
        }

        var start = _entries[_first].Start;
        _bytes.AsSpan(start, _end - start).CopyTo(_bytes);
        for (var i = 0; i < _count; i++)
        {
            ref var e = ref _entries[(_first + i) % _entries.Length];
            e = e with { Start = e.Start - start };
        }

        _end -= start;
    }

    private bool Overlaps(ReadOnlySpan<byte> span) => !span.IsEmpty && span.Overlaps(_bytes);

    private readonly record struct Entry(int Start, int NameLength, int ValueLength);
}
