namespace Fulcrum.Appliance.Http;

/// <summary>A parsed response head; filled by <see cref="HttpResponseParser"/>, reused per response.</summary>
public sealed class HttpResponseHead : HttpMessageHead
{
    public int StatusCode { get; internal set; }

    /// <summary>The reason phrase; may be empty and carries no meaning (RFC 9112 §4).</summary>
    public HttpRange ReasonPhrase { get; internal set; }

    /// <summary>1xx other than 101: another head follows on the same connection for the same request.</summary>
    public bool IsInterim => StatusCode is >= 100 and < 200 and not 101;

    public override void Reset()
    {
        base.Reset();
        StatusCode = 0;
        ReasonPhrase = default;
    }
}
