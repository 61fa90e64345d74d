namespace Fulcrum.Appliance.Http;

/// <summary>The two HTTP/1 versions accepted on the wire; anything else is refused.</summary>
public enum HttpProtocolVersion : byte
{
    Http10,
    Http11,
}
