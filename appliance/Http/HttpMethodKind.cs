namespace Fulcrum.Appliance.Http;

/// <summary>Methods the proxy treats specially. Methods are case-sensitive, so <c>get</c> is <see cref="Other"/>.</summary>
public enum HttpMethodKind : byte
{
    Other,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
}
