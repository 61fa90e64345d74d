namespace Fulcrum.Scripting.Contracts;

/// <summary>
/// The HTTP request in flight and, in response events, its response. Bodies reach the rule decoded: the proxy undoes
/// chunked framing and gzip/deflate content coding before <see cref="RequestBody"/>/<see cref="ResponseBody"/>, and
/// re-frames whatever replacement the rule gives (fixing Content-Length, dropping Content-Encoding).
/// </summary>
public interface IRuleHttp
{
    string Method { get; }

    /// <summary>The request target as sent by the client (origin form); setting it rewrites the request line.</summary>
    string Uri { get; set; }

    /// <summary><c>1.0</c> or <c>1.1</c>.</summary>
    string Version { get; }

    IRuleHeaders RequestHeaders { get; }

    /// <summary>Headers of the response in response events (the server's, or the local response's); null before.</summary>
    IRuleHeaders? ResponseHeaders { get; }

    /// <summary>Response status code in response events.</summary>
    int Status { get; }

    string Reason { get; }

    /// <summary>
    /// The rule asked for the body (<c>ctx.http.collect({max})</c>): the proxy buffers up to <paramref name="maxBytes"/>
    /// decoded bytes of the request (or of the response when <paramref name="response"/>) and then dispatches
    /// HTTP_REQUEST_DATA (HTTP_RESPONSE_DATA).
    /// </summary>
    void Collect(int maxBytes, bool response);

    /// <summary>The collected, decoded request body (in HTTP_REQUEST_DATA).</summary>
    ReadOnlyMemory<byte> RequestBody { get; }

    /// <summary>The collected, decoded response body (in HTTP_RESPONSE_DATA).</summary>
    ReadOnlyMemory<byte> ResponseBody { get; }

    /// <summary>Replaces the collected body; the proxy sends these bytes instead, framed afresh.</summary>
    void ReplaceBody(ReadOnlyMemory<byte> body, bool response);

    /// <summary>
    /// Sends the request again, dropping this response: the pick runs again (with a pool or member the rule chose
    /// since) and LB_SELECTED fires. Throws, with a message for the rule's author, when the request cannot be sent
    /// again (its body was streamed to the server and not kept) or was retried too often.
    /// </summary>
    void Retry();
}

/// <summary>One message's header block. Names compare case-insensitively; order and duplicates are kept.</summary>
public interface IRuleHeaders
{
    /// <summary>The first value of <paramref name="name"/>, or null.</summary>
    string? Get(string name);

    /// <summary>Every value of <paramref name="name"/>, in order.</summary>
    IReadOnlyList<string> GetAll(string name);

    /// <summary>Replaces every field of that name with one.</summary>
    void Set(string name, string value);

    void Add(string name, string value);

    void Remove(string name);

    /// <summary>Distinct names, in first-seen order, as the client sent them.</summary>
    IReadOnlyList<string> Names { get; }
}
