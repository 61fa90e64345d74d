namespace Fulcrum.Appliance.Http;

/// <summary>Result of a parse call: Incomplete, Complete with the bytes consumed, or Error with the reason and where it was seen.</summary>
public readonly record struct HttpParseResult
{
    private HttpParseResult(HttpParseStatus status, long consumed, HttpRejectReason reason, long errorOffset)
    {
        Status = status;
        Consumed = consumed;
        Reason = reason;
        ErrorOffset = errorOffset;
    }

    public HttpParseStatus Status { get; }

    /// <summary>Bytes of the input that belong to what was parsed (see <see cref="HttpParseStatus"/>).</summary>
    public long Consumed { get; }

    /// <summary><see cref="HttpRejectReason.None"/> unless <see cref="Status"/> is <see cref="HttpParseStatus.Error"/>.</summary>
    public HttpRejectReason Reason { get; }

    /// <summary>Offset from the start of the input passed to this call of the byte that made the input invalid.</summary>
    public long ErrorOffset { get; }

    public bool IsIncomplete => Status == HttpParseStatus.Incomplete;
    public bool IsComplete => Status == HttpParseStatus.Complete;
    public bool IsError => Status == HttpParseStatus.Error;

    public static HttpParseResult Incomplete(long consumed = 0) => new(HttpParseStatus.Incomplete, consumed, HttpRejectReason.None, 0);

    public static HttpParseResult Complete(long consumed) => new(HttpParseStatus.Complete, consumed, HttpRejectReason.None, 0);

    public static HttpParseResult Error(HttpRejectReason reason, long offset) => new(HttpParseStatus.Error, 0, reason, offset);
}
