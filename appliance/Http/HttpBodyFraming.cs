namespace Fulcrum.Appliance.Http;

/// <summary>How the body after a head is delimited (RFC 9112 §6.3).</summary>
public enum HttpBodyFraming : byte
{
    /// <summary>No body follows; the next bytes are the next message.</summary>
    None,

    /// <summary>Exactly <see cref="HttpMessageHead.ContentLength"/> bytes follow (which may be 0).</summary>
    ContentLength,

    /// <summary>A chunked body follows; run it through <see cref="HttpChunkedDecoder"/>.</summary>
    Chunked,

    /// <summary>Response only: the body runs until the server closes the connection.</summary>
    UntilClose,

    /// <summary>Response only: after this head the connection is an opaque two-way tunnel (2xx to CONNECT, 101).</summary>
    Tunnel,
}
