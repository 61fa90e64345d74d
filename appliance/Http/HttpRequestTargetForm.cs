namespace Fulcrum.Appliance.Http;

/// <summary>The four request-target forms of RFC 9112 §3.2.</summary>
public enum HttpRequestTargetForm : byte
{
    /// <summary><c>/path?query</c></summary>
    Origin,

    /// <summary><c>http://host:port/path</c>, as sent to a forward proxy.</summary>
    Absolute,

    /// <summary><c>host:port</c>, CONNECT only.</summary>
    Authority,

    /// <summary><c>*</c>, OPTIONS only.</summary>
    Asterisk,
}
