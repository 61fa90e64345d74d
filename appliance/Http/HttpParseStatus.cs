namespace Fulcrum.Appliance.Http;

/// <summary>Outcome of one parse call; each value says what the caller does next.</summary>
public enum HttpParseStatus : byte
{
    /// <summary>
    /// Need more bytes. A head parser consumed nothing (advance the pipe to start, examined to end);
    /// the chunked decoder consumed <see cref="HttpParseResult.Consumed"/> bytes, which are valid and may be forwarded.
    /// </summary>
    Incomplete,

    /// <summary>The message (head, or chunked body) ended after <see cref="HttpParseResult.Consumed"/> bytes.</summary>
    Complete,

    /// <summary>Refuse the message: answer <see cref="HttpRejectReasons.StatusCode"/> and close the connection.</summary>
    Error,
}
