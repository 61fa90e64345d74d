namespace Fulcrum.Appliance.Http;

/// <summary>
/// One field line of a head, as offsets into <see cref="HttpMessageHead.Raw"/>. The whole line (CRLF included) is kept
/// so the proxy can forward an untouched field with one copy.
/// </summary>
public readonly record struct HttpHeaderField(HttpKnownHeader Known, HttpRange Line, HttpRange Name, HttpRange Value);
