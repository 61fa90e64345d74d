namespace Fulcrum.Appliance.Http;

/// <summary>A parsed request head; filled by <see cref="HttpRequestParser"/>, reused per request.</summary>
public sealed class HttpRequestHead : HttpMessageHead
{
    public HttpMethodKind Method { get; internal set; }

    public HttpRange MethodRange { get; internal set; }

    public HttpRange Target { get; internal set; }

    public HttpRequestTargetForm TargetForm { get; internal set; }

    /// <summary>The authority part of an absolute-form or authority-form target; empty otherwise.</summary>
    public HttpRange TargetAuthority { get; internal set; }

    public int HostCount { get; internal set; }

    /// <summary>Value of the Host field (may be empty: RFC 9110 §7.2 allows it); only meaningful when <see cref="HostCount"/> is 1.</summary>
    public HttpRange Host { get; internal set; }

    public bool ExpectContinue { get; internal set; }

    /// <summary>
    /// The target is absolute-form, so its authority is the request's host (RFC 9112 §3.2.2): <see cref="Host"/> points
    /// at it, and the proxy forwards a Host field made from it in place of the client's.
    /// </summary>
    public bool HostFromTarget { get; internal set; }

    public override void Reset()
    {
        base.Reset();
        Method = HttpMethodKind.Other;
        MethodRange = default;
        Target = default;
        TargetForm = HttpRequestTargetForm.Origin;
        TargetAuthority = default;
        HostCount = 0;
        Host = default;
        ExpectContinue = false;
        HostFromTarget = false;
    }
}
