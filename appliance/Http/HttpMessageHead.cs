using System.Buffers;

namespace Fulcrum.Appliance.Http;

/// <summary>
/// A parsed head that the caller owns and reuses for every message on a connection. After a Complete parse it holds its
/// own copy of the head bytes (<see cref="Raw"/>, from <see cref="ArrayPool{T}"/>), so the pipe can be advanced at once;
/// every other member is an offset into that copy. Dispose returns the buffer.
/// </summary>
public abstract class HttpMessageHead : IDisposable
{
    private const int InitialHeaderCapacity = 16;
    private const int InitialTokenCapacity = 4;

    private byte[] _buffer = [];
    // Pooled, and given back between messages (Release): an idle keep-alive connection holds no table.
    private HttpHeaderField[] _headers = [];
    private HttpRange[] _connectionTokens = [];
    private int _connectionTokenCount;

    /// <summary>The head: start line, field lines and the empty line, CRLFs included. Empty until a Complete parse.</summary>
    public ReadOnlySpan<byte> Raw => _buffer.AsSpan(0, Length);

    public int Length { get; private set; }

    public HttpProtocolVersion Version { get; internal set; }

    public int HeaderCount { get; private set; }

    public ReadOnlySpan<HttpHeaderField> Headers => _headers.AsSpan(0, HeaderCount);

    public HttpBodyFraming Framing { get; internal set; }

    /// <summary>The Content-Length value, or -1 when there is none.</summary>
    public long ContentLength { get; internal set; } = -1;

    public bool HasTransferEncoding { get; internal set; }

    public HttpConnectionOptions ConnectionOptions { get; internal set; }

    /// <summary>Connection tokens other than close / keep-alive / upgrade: more hop-by-hop fields to strip when forwarding.</summary>
    public ReadOnlySpan<HttpRange> ConnectionTokens => _connectionTokens.AsSpan(0, _connectionTokenCount);

    /// <summary>Value of the (last) Upgrade field; empty when absent.</summary>
    public HttpRange Upgrade { get; internal set; }

    public bool HasUpgrade { get; internal set; }

    /// <summary>An Upgrade field lists h2c: never an upgrade the proxy forwards (see <see cref="HttpRequestParser"/>).</summary>
    public bool UpgradeOffersH2c { get; internal set; }

    /// <summary>Whether the connection may carry another message after this one (RFC 9112 §9.3).</summary>
    public bool KeepAlive => (ConnectionOptions & HttpConnectionOptions.Close) == 0
        && (Version == HttpProtocolVersion.Http11 || (ConnectionOptions & HttpConnectionOptions.KeepAlive) != 0);

    // Parse-time Transfer-Encoding state: a coding list may be split over several field lines.
    internal bool ChunkedSeen { get; set; }

    internal bool ChunkedIsFinal { get; set; }

    internal bool UnknownCodingSeen { get; set; }

    internal int TransferEncodingOffset { get; set; }

    internal int ContentLengthOffset { get; set; }

    public ReadOnlySpan<byte> this[HttpRange range] => Raw.Slice(range.Offset, range.Length);

    public ReadOnlySpan<byte> GetName(in HttpHeaderField field) => this[field.Name];

    public ReadOnlySpan<byte> GetValue(in HttpHeaderField field) => this[field.Value];

    /// <summary>Value of the first field of a known kind; false when there is none.</summary>
    public bool TryGetValue(HttpKnownHeader known, out ReadOnlySpan<byte> value)
    {
        foreach (ref readonly var field in Headers)
        {
            if (field.Known == known)
            {
                value = this[field.Value];
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Value of the first field with this name (any case); false when there is none.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        foreach (ref readonly var field in Headers)
        {
            if (HttpAscii.EqualsIgnoreCase(this[field.Name], name))
            {
                value = this[field.Value];
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Clears everything parsed; keeps the buffers for the next message.</summary>
    public virtual void Reset()
    {
        Length = 0;
        Version = default;
        HeaderCount = 0;
        Framing = HttpBodyFraming.None;
        ContentLength = -1;
        HasTransferEncoding = false;
        ConnectionOptions = HttpConnectionOptions.None;
        _connectionTokenCount = 0;
        Upgrade = default;
        HasUpgrade = false;
        UpgradeOffersH2c = false;
        ChunkedSeen = false;
        ChunkedIsFinal = false;
        UnknownCodingSeen = false;
        TransferEncodingOffset = 0;
        ContentLengthOffset = 0;
    }

    /// <summary>
    /// Clears everything parsed and gives the head copy and the field tables back to their pools, while the
    /// connection waits for its next message; the next parse rents them again.
    /// </summary>
    public void Release()
    {
        Reset();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (_headers.Length > 0)
        {
            ArrayPool<HttpHeaderField>.Shared.Return(_headers);
            _headers = [];
        }

        if (_connectionTokens.Length > 0)
        {
            ArrayPool<HttpRange>.Shared.Return(_connectionTokens);
            _connectionTokens = [];
        }
    }

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>A buffer of at least <paramref name="size"/> bytes to copy a split head into before parsing it.</summary>
    internal Span<byte> GetScratch(int size)
    {
        if (_buffer.Length < size)
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = ArrayPool<byte>.Shared.Rent(size);
        }

        return _buffer.AsSpan(0, size);
    }

    /// <summary>Marks the parse complete; copies the head unless it was parsed in place in the scratch buffer.</summary>
    internal void Commit(ReadOnlySpan<byte> head, bool alreadyInBuffer)
    {
        if (!alreadyInBuffer)
        {
            head.CopyTo(GetScratch(head.Length));
        }

        Length = head.Length;
    }

    internal void AddHeader(in HttpHeaderField field)
    {
        if (HeaderCount == _headers.Length)
        {
            _headers = Grow(_headers, HeaderCount, InitialHeaderCapacity);
        }

        _headers[HeaderCount++] = field;
    }

    internal void AddConnectionToken(HttpRange token)
    {
        if (_connectionTokenCount == _connectionTokens.Length)
        {
            _connectionTokens = Grow(_connectionTokens, _connectionTokenCount, InitialTokenCapacity);
        }

        _connectionTokens[_connectionTokenCount++] = token;
    }

    private static T[] Grow<T>(T[] table, int count, int initial)
    {
        var bigger = ArrayPool<T>.Shared.Rent(Math.Max(initial, table.Length * 2));
        if (table.Length > 0)
        {
            table.AsSpan(0, count).CopyTo(bigger);
            ArrayPool<T>.Shared.Return(table);
        }

        return bigger;
    }
}
