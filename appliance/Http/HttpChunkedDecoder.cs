using System.Buffers;
using static Fulcrum.Appliance.Http.HttpCharacters;

namespace Fulcrum.Appliance.Http;

/// <summary>
/// Incremental validator for a chunked body (RFC 9112 §7.1), one instance per body, reused after <see cref="Reset"/>.
/// It keeps its state between calls, so input may be split anywhere (byte by byte included) and the result is the same.
/// Every byte it reports as consumed has been checked, so the proxy can forward consumed bytes as they come and never
/// buffers the body. Chunk data can also be copied out (de-chunked) through an optional <see cref="IBufferWriter{T}"/>.
/// </summary>
public sealed class HttpChunkedDecoder
{
    /// <summary>16 hex digits already exceed any real body; more is only useful for overflow tricks.</summary>
    public const int MaxChunkSizeDigits = 16;

    /// <summary>2^62: far above anything sane, and leaves headroom so no sum of sizes can overflow a long.</summary>
    public const long MaxChunkSize = 1L << 62;

    /// <summary>Extensions are almost never used; a cap stops a chunk line from being an unbounded header.</summary>
    public const int MaxExtensionBytes = 1024;

    public const int DefaultMaxTrailerBytes = 32768;

    private readonly int _maxTrailerBytes;
    private readonly bool _filterTrailers;
    private byte[]? _trailers;
    private int _trailerLength;
    private State _state;
    private ulong _chunkSize;
    private int _sizeDigits;
    private int _extensionBytes;
    private long _chunkRemaining;
    private int _trailerBytes;
    private bool _sawNameByte;
    private HttpRejectReason _failure;

    /// <param name="filterTrailers">
    /// Hold the trailer section back instead of reporting it forwardable: <see cref="LastForwardable"/> stops before it
    /// and <see cref="CopyTrailerSection"/> gives it once the body is complete, without the fields that must not travel
    /// in a trailer (<see cref="HttpTrailerPolicy"/>). The request side of the proxy uses it.
    /// </param>
    public HttpChunkedDecoder(int maxTrailerBytes = DefaultMaxTrailerBytes, bool filterTrailers = false)
    {
        _maxTrailerBytes = maxTrailerBytes;
        _filterTrailers = filterTrailers;
    }

    private enum State : byte
    {
        Size,
        ExtensionName,
        ExtensionValueStart,
        ExtensionToken,
        ExtensionQuoted,
        ExtensionQuotedEscape,
        ExtensionAfterQuoted,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerLineStart,
        TrailerName,
        TrailerValue,
        TrailerLf,
        FinalLf,
        Done,
        Failed,
    }

    /// <summary>Chunk-data bytes seen so far (framing excluded).</summary>
    public long DataBytes { get; private set; }

    /// <summary>All bytes consumed so far, framing included.</summary>
    public long TotalBytes { get; private set; }

    public bool IsComplete => _state == State.Done;

    /// <summary>Whether the trailer section is held back (see the constructor).</summary>
    public bool FiltersTrailers => _filterTrailers;

    /// <summary>
    /// Of the bytes the last Decode consumed, how many from its start may be forwarded as they are: all of them, or
    /// with <see cref="FiltersTrailers"/> those before the trailer section.
    /// </summary>
    public long LastForwardable { get; private set; }

    /// <summary>An upper bound of what <see cref="CopyTrailerSection"/> writes.</summary>
    public int TrailerSectionMaxLength => _trailerLength + 2;

    public void Reset()
    {
        _state = State.Size;
        _chunkSize = 0;
        _sizeDigits = 0;
        _extensionBytes = 0;
        _chunkRemaining = 0;
        _trailerBytes = 0;
        _sawNameByte = false;
        _failure = HttpRejectReason.None;
        DataBytes = 0;
        TotalBytes = 0;
        LastForwardable = 0;
        ReturnTrailers();
    }

    /// <summary>
    /// Once the body is complete (filtering decoders only): the trailer fields that may be forwarded, then the final
    /// CRLF, into <paramref name="destination"/> (at least <see cref="TrailerSectionMaxLength"/> bytes). Returns the
    /// length written and gives the held trailer buffer back.
    /// </summary>
    public int CopyTrailerSection(Span<byte> destination)
    {
        var written = 0;
        var held = _trailers is null ? default : _trailers.AsSpan(0, _trailerLength);
        while (!held.IsEmpty)
        {
            // Every held line was validated: name ':' value CRLF.
            var lineLength = held.IndexOf(LF) + 1;
            var line = held[..lineLength];
            held = held[lineLength..];
            if (!HttpTrailerPolicy.IsDropped(line[..line.IndexOf(Colon)]))
            {
                line.CopyTo(destination[written..]);
                written += line.Length;
            }
        }
        destination[written++] = CR;
        destination[written++] = LF;
        ReturnTrailers();
        return written;
    }

    private void ReturnTrailers()
    {
        if (_trailers is { } buffer)
        {
            _trailers = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _trailerLength = 0;
    }

    private void HoldTrailerByte(byte b)
    {
        if (_trailers is null || _trailerLength == _trailers.Length)
        {
            // Bounded by the trailer limit, which is checked before a byte gets here.
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(256, _trailerLength * 2));
            _trailers?.AsSpan(0, _trailerLength).CopyTo(bigger);
            if (_trailers is not null)
            {
                ArrayPool<byte>.Shared.Return(_trailers);
            }
            _trailers = bigger;
        }
        _trailers[_trailerLength++] = b;
    }

    /// <summary>
    /// Validates as much of <paramref name="reader"/> as it can and advances it over what was consumed: all of it when
    /// Incomplete, up to the end of the body when Complete (the rest is the next message), nothing past an Error.
    /// </summary>
    public HttpParseResult Decode(ref SequenceReader<byte> reader, IBufferWriter<byte>? data = null)
    {
        long consumed = 0;
        long forwardable = 0;
        var inTrailers = false;
        while (!reader.End)
        {
            var result = Decode(reader.UnreadSpan, data);
            if (result.IsError)
            {
                return HttpParseResult.Error(result.Reason, consumed + result.ErrorOffset);
            }

            // Forwardable bytes are a prefix of the body: once one span stops short of its end, the rest is trailers.
            if (!inTrailers)
            {
                forwardable += LastForwardable;
                inTrailers = LastForwardable < result.Consumed;
            }

            reader.Advance(result.Consumed);
            consumed += result.Consumed;
            if (result.IsComplete)
            {
                LastForwardable = forwardable;
                return HttpParseResult.Complete(consumed);
            }
        }

        LastForwardable = forwardable;
        return IsComplete ? HttpParseResult.Complete(consumed) : HttpParseResult.Incomplete(consumed);
    }

    public HttpParseResult Decode(in ReadOnlySequence<byte> input, IBufferWriter<byte>? data = null)
    {
        var reader = new SequenceReader<byte>(input);
        return Decode(ref reader, data);
    }

    /// <summary>Span form of <see cref="Decode(ref SequenceReader{byte}, IBufferWriter{byte}?)"/>.</summary>
    public HttpParseResult Decode(ReadOnlySpan<byte> input, IBufferWriter<byte>? data = null)
    {
        LastForwardable = 0;
        if (_state == State.Done)
        {
            return HttpParseResult.Complete(0);
        }

        if (_state == State.Failed)
        {
            return HttpParseResult.Error(_failure, 0);
        }

        var i = 0;
        var forwardable = -1;
        while (i < input.Length)
        {
            if (_state == State.Data)
            {
                // The only bulk step: data is opaque, so it is passed over (and copied out if asked) in one go.
                var take = (int)Math.Min(_chunkRemaining, input.Length - i);
                data?.Write(input.Slice(i, take));
                i += take;
                _chunkRemaining -= take;
                DataBytes += take;
                if (_chunkRemaining == 0)
                {
                    _state = State.DataCr;
                }

                continue;
            }

            var before = _state;
            var reason = Step(input[i]);
            if (reason != HttpRejectReason.None)
            {
                _state = State.Failed;
                _failure = reason;
                TotalBytes += i;
                return HttpParseResult.Error(reason, i);
            }

            if (_filterTrailers && before >= State.TrailerLineStart)
            {
                if (forwardable < 0)
                {
                    forwardable = i;
                }

                // Field lines are held for CopyTrailerSection; the final CRLF is written by it.
                if (before is not State.FinalLf && !(before == State.TrailerLineStart && _state == State.FinalLf))
                {
                    HoldTrailerByte(input[i]);
                }
            }

            i++;
            if (_state == State.Done)
            {
                TotalBytes += i;
                LastForwardable = forwardable < 0 ? i : forwardable;
                return HttpParseResult.Complete(i);
            }
        }

        TotalBytes += i;
        LastForwardable = forwardable < 0 ? i : forwardable;
        return HttpParseResult.Incomplete(i);
    }

    private HttpRejectReason Step(byte b)
    {
        switch (_state)
        {
            case State.Size:
                return StepSize(b);

            case State.ExtensionName:
            case State.ExtensionValueStart:
            case State.ExtensionToken:
            case State.ExtensionQuoted:
            case State.ExtensionQuotedEscape:
            case State.ExtensionAfterQuoted:
                return ++_extensionBytes > MaxExtensionBytes ? HttpRejectReason.ChunkExtensionTooLong : StepExtension(b);

            case State.SizeLf:
                if (b != LF)
                {
                    return HttpRejectReason.BareCr;
                }

                if (_chunkSize == 0)
                {
                    _state = State.TrailerLineStart;
                }
                else
                {
                    _chunkRemaining = (long)_chunkSize;
                    _state = State.Data;
                }

                return HttpRejectReason.None;

            case State.DataCr:
                _state = State.DataLf;
                return b == CR ? HttpRejectReason.None : HttpRejectReason.MissingChunkCrlf;

            case State.DataLf:
                _chunkSize = 0;
                _sizeDigits = 0;
                _extensionBytes = 0;
                _state = State.Size;
                return b == LF ? HttpRejectReason.None : HttpRejectReason.MissingChunkCrlf;

            default:
                return ++_trailerBytes > _maxTrailerBytes ? HttpRejectReason.TrailersTooLarge : StepTrailer(b);
        }
    }

    /// <summary>
    /// 1*HEXDIG, then ';' or CR. RFC 9112 allows BWS before ';', but no real sender uses it and parsers disagree about it,
    /// so any whitespace, sign or "0x" prefix is refused.
    /// </summary>
    private HttpRejectReason StepSize(byte b)
    {
        var digit = HexValue(b);
        if (digit >= 0)
        {
            if (++_sizeDigits > MaxChunkSizeDigits)
            {
                return HttpRejectReason.ChunkSizeOverflow;
            }

            // At most 16 digits fit a ulong, so the shift cannot wrap before the limit check.
            _chunkSize = (_chunkSize << 4) | (uint)digit;
            return _chunkSize > MaxChunkSize ? HttpRejectReason.ChunkSizeOverflow : HttpRejectReason.None;
        }

        if (b == LF)
        {
            return HttpRejectReason.BareLf;
        }

        if (_sizeDigits == 0)
        {
            return HttpRejectReason.InvalidChunkSize;
        }

        switch (b)
        {
            case Semicolon:
                _sawNameByte = false;
                _extensionBytes = 1;
                _state = State.ExtensionName;
                return HttpRejectReason.None;
            case CR:
                _state = State.SizeLf;
                return HttpRejectReason.None;
            default:
                return HttpRejectReason.InvalidChunkSize;
        }
    }

    /// <summary><c>*( ";" token [ "=" ( token / quoted-string ) ] )</c>, no whitespace.</summary>
    private HttpRejectReason StepExtension(byte b)
    {
        if (b == LF)
        {
            // A quoted string cannot hold a line end either; a bare LF ends the line for some parsers and not others.
            return HttpRejectReason.BareLf;
        }

        switch (_state)
        {
            case State.ExtensionName:
                if (IsToken(b))
                {
                    _sawNameByte = true;
                    return HttpRejectReason.None;
                }

                if (!_sawNameByte)
                {
                    return HttpRejectReason.InvalidChunkExtension;
                }

                return b switch
                {
                    EqualsSign => Go(State.ExtensionValueStart),
                    _ => EndOfExtension(b),
                };

            case State.ExtensionValueStart:
                return b == DoubleQuote ? Go(State.ExtensionQuoted)
                    : IsToken(b) ? Go(State.ExtensionToken)
                    : HttpRejectReason.InvalidChunkExtension;

            case State.ExtensionToken:
                return IsToken(b) ? HttpRejectReason.None : EndOfExtension(b);

            case State.ExtensionQuoted:
                return b switch
                {
                    DoubleQuote => Go(State.ExtensionAfterQuoted),
                    Backslash => Go(State.ExtensionQuotedEscape),
                    _ => FieldValue.Contains(b) ? HttpRejectReason.None : HttpRejectReason.InvalidChunkExtension,
                };

            case State.ExtensionQuotedEscape:
                return FieldValue.Contains(b) ? Go(State.ExtensionQuoted) : HttpRejectReason.InvalidChunkExtension;

            default:
                return EndOfExtension(b);
        }
    }

    private HttpRejectReason EndOfExtension(byte b)
    {
        switch (b)
        {
            case Semicolon:
                _sawNameByte = false;
                _state = State.ExtensionName;
                return HttpRejectReason.None;
            case CR:
                _state = State.SizeLf;
                return HttpRejectReason.None;
            default:
                return HttpRejectReason.InvalidChunkExtension;
        }
    }

    /// <summary>Trailer fields get the same line rules as header fields: token name, no space before ':', no CTLs, CRLF only.</summary>
    private HttpRejectReason StepTrailer(byte b)
    {
        if (b == LF && _state != State.TrailerLf && _state != State.FinalLf)
        {
            return HttpRejectReason.BareLf;
        }

        switch (_state)
        {
            case State.TrailerLineStart:
                if (b == CR)
                {
                    return Go(State.FinalLf);
                }

                // A leading space would be obs-fold, which is refused in trailers as it is in headers.
                return IsToken(b) ? Go(State.TrailerName) : HttpRejectReason.InvalidTrailer;

            case State.TrailerName:
                return b == Colon ? Go(State.TrailerValue)
                    : IsToken(b) ? HttpRejectReason.None
                    : HttpRejectReason.InvalidTrailer;

            case State.TrailerValue:
                return b == CR ? Go(State.TrailerLf)
                    : FieldValue.Contains(b) ? HttpRejectReason.None
                    : HttpRejectReason.InvalidTrailer;

            case State.TrailerLf:
                return b == LF ? Go(State.TrailerLineStart) : HttpRejectReason.BareCr;

            default:
                return b == LF ? Go(State.Done) : HttpRejectReason.BareCr;
        }
    }

    private HttpRejectReason Go(State next)
    {
        _state = next;
        return HttpRejectReason.None;
    }
}
