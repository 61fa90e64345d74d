namespace Fulcrum.Scripting.Runtime;

/// <summary>A response made by a rule (<c>ctx.http.respond</c>, <c>ctx.http.redirect</c>), for the proxy to send.</summary>
public sealed class LocalResponse
{
    public required int Status { get; init; }
    public required byte[] Body { get; init; }
    /// <summary>Fields in order; the proxy adds Content-Length (and Date, Connection as its profile says).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];
}
