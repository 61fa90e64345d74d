namespace Fulcrum.Appliance.Http;

/// <summary>
/// Why an HTTP/1.x message was refused. Each value names one exact failure so that logs and counters
/// tell an operator what the peer sent; <see cref="HttpRejectReasons"/> maps it to a status code and a stable text.
/// </summary>
public enum HttpRejectReason : byte
{
    None = 0,

    // Request line.
    InvalidRequestLine,
    InvalidMethod,
    InvalidRequestTarget,
    UnsupportedVersion,
    RequestLineTooLong,

    // Header block (shared by requests, responses and chunked trailers where noted).
    HeadersTooLarge,
    TooManyHeaders,
    InvalidHeaderName,
    MissingColon,
    WhitespaceBeforeColon,
    ObsFold,
    BareLf,
    BareCr,
    ControlCharacterInValue,
    /// <summary>
    /// A field name with an underscore that reads as a field the proxy interprets once <c>_</c> is taken for <c>-</c>
    /// (<c>Transfer_Encoding</c>, <c>Content_Length</c>, <c>X_Forwarded_For</c>): CGI-style servers fold the two.
    /// </summary>
    AmbiguousHeaderName,

    // Header semantics.
    MissingHost,
    DuplicateHost,
    InvalidHost,
    ContentLengthWithTransferEncoding,
    DuplicateContentLength,
    InvalidContentLength,
    /// <summary>A transfer coding other than chunked (framing itself is understood): 501.</summary>
    UnsupportedTransferEncoding,
    /// <summary>Transfer-Encoding is present but chunked is not the final coding, so the length is unknowable: 400.</summary>
    ChunkedNotFinal,
    /// <summary>chunked applied more than once (RFC 9112 §6.1 forbids it).</summary>
    DuplicateChunked,
    /// <summary>Transfer-Encoding list element that is empty or not a bare token (parameters included).</summary>
    InvalidTransferEncoding,
    TransferEncodingInHttp10,
    /// <summary>Connection lists a non-token, or names a framing header (Content-Length, Transfer-Encoding, Host).</summary>
    InvalidConnectionHeader,
    UnsupportedExpectation,

    // Chunked body.
    InvalidChunkSize,
    ChunkSizeOverflow,
    InvalidChunkExtension,
    ChunkExtensionTooLong,
    MissingChunkCrlf,
    InvalidTrailer,
    TrailersTooLarge,

    // Response status line.
    InvalidStatusLine,
    StatusLineTooLong,
}
