namespace Fulcrum.Appliance.Http;

/// <summary>Maps a <see cref="HttpRejectReason"/> to the status code sent to the client and to a stable log/counter text.</summary>
public static class HttpRejectReasons
{
    /// <summary>
    /// What the proxy answers its client when a <em>server's</em> response is refused, whatever the reason:
    /// the client did nothing wrong, the upstream did.
    /// </summary>
    public const int ResponseRejectedStatusCode = 502;

    /// <summary>Status code for a refused request (or 502 for the status-line reasons that only a response can have).</summary>
    public static int StatusCode(HttpRejectReason reason) => reason switch
    {
        HttpRejectReason.RequestLineTooLong => 414,
        HttpRejectReason.HeadersTooLarge or HttpRejectReason.TooManyHeaders or HttpRejectReason.TrailersTooLarge => 431,
        HttpRejectReason.UnsupportedTransferEncoding => 501,
        HttpRejectReason.UnsupportedVersion => 505,
        HttpRejectReason.UnsupportedExpectation => 417,
        HttpRejectReason.InvalidStatusLine or HttpRejectReason.StatusLineTooLong => ResponseRejectedStatusCode,
        _ => 400,
    };

    /// <summary>Short kebab-case text that never changes once shipped; dashboards and log queries key on it.</summary>
    public static string Text(HttpRejectReason reason) => reason switch
    {
        HttpRejectReason.None => "none",
        HttpRejectReason.InvalidRequestLine => "invalid-request-line",
        HttpRejectReason.InvalidMethod => "invalid-method",
        HttpRejectReason.InvalidRequestTarget => "invalid-request-target",
        HttpRejectReason.UnsupportedVersion => "unsupported-version",
        HttpRejectReason.RequestLineTooLong => "request-line-too-long",
        HttpRejectReason.HeadersTooLarge => "headers-too-large",
        HttpRejectReason.TooManyHeaders => "too-many-headers",
        HttpRejectReason.InvalidHeaderName => "invalid-header-name",
        HttpRejectReason.MissingColon => "missing-colon",
        HttpRejectReason.WhitespaceBeforeColon => "whitespace-before-colon",
        HttpRejectReason.ObsFold => "obs-fold",
        HttpRejectReason.BareLf => "bare-lf",
        HttpRejectReason.BareCr => "bare-cr",
        HttpRejectReason.ControlCharacterInValue => "control-character-in-value",
        HttpRejectReason.AmbiguousHeaderName => "ambiguous-header-name",
        HttpRejectReason.MissingHost => "missing-host",
        HttpRejectReason.DuplicateHost => "duplicate-host",
        HttpRejectReason.InvalidHost => "invalid-host",
        HttpRejectReason.ContentLengthWithTransferEncoding => "content-length-with-transfer-encoding",
        HttpRejectReason.DuplicateContentLength => "duplicate-content-length",
        HttpRejectReason.InvalidContentLength => "invalid-content-length",
        HttpRejectReason.UnsupportedTransferEncoding => "unsupported-transfer-encoding",
        HttpRejectReason.ChunkedNotFinal => "chunked-not-final",
        HttpRejectReason.DuplicateChunked => "duplicate-chunked",
        HttpRejectReason.InvalidTransferEncoding => "invalid-transfer-encoding",
        HttpRejectReason.TransferEncodingInHttp10 => "transfer-encoding-in-http10",
        HttpRejectReason.InvalidConnectionHeader => "invalid-connection-header",
        HttpRejectReason.UnsupportedExpectation => "unsupported-expectation",
        HttpRejectReason.InvalidChunkSize => "invalid-chunk-size",
        HttpRejectReason.ChunkSizeOverflow => "chunk-size-overflow",
        HttpRejectReason.InvalidChunkExtension => "invalid-chunk-extension",
        HttpRejectReason.ChunkExtensionTooLong => "chunk-extension-too-long",
        HttpRejectReason.MissingChunkCrlf => "missing-chunk-crlf",
        HttpRejectReason.InvalidTrailer => "invalid-trailer",
        HttpRejectReason.TrailersTooLarge => "trailers-too-large",
        HttpRejectReason.InvalidStatusLine => "invalid-status-line",
        HttpRejectReason.StatusLineTooLong => "status-line-too-long",
        _ => "unknown",
    };
}
