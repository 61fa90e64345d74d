using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fulcrum.Scripting.Testing;

/// <summary>
/// A sample connection for the test bench (<c>POST /api/v1/rules/{name}/test</c>, <c>fulcrum rule test</c>): the client,
/// an HTTP request (or L4 payload), the server's answer, and the pools and data groups the rule may use.
/// </summary>
public class RuleSample
{
    public SampleEndpoint Client { get; set; } = new() { Ip = "10.1.2.3", Port = 5555 };
    public SampleEndpoint? Local { get; set; }
    /// <summary>An HTTP request; without one the sample is an L4 connection.</summary>
    public SampleRequest? Request { get; set; }
    /// <summary>What the server answers (HTTP); 200 with an empty body when absent.</summary>
    public SampleResponse? Response { get; set; }
    /// <summary>L4: bytes the client sends (one character per byte).</summary>
    public string? Payload { get; set; }
    /// <summary>L4: the client's collect ran out of time: CLIENT_DATA sees <see cref="Payload"/> with <c>ctx.tcp.timedOut</c> true.</summary>
    public bool TimedOut { get; set; }
    /// <summary>L4: bytes the server sends first.</summary>
    public string? ServerPayload { get; set; }
    /// <summary>
    /// L4: what the server sends, as messages that arrive one at a time (a rule that releases and collects again in
    /// SERVER_DATA sees the next); instead of <see cref="ServerPayload"/>.
    /// </summary>
    public List<string>? ServerMessages { get; set; }
    /// <summary>The virtual server's own pool, used when the rule picks none.</summary>
    public string? Pool { get; set; }
    /// <summary>Pools by name with members up or down; when absent (and none come from the configuration) any pool exists with one member up.</summary>
    public Dictionary<string, SamplePool>? Pools { get; set; }
    public Dictionary<string, SampleDataGroup>? DataGroups { get; set; }
    public SampleSsl? Ssl { get; set; }
    /// <summary>Rule source to run instead of the saved rule (API only).</summary>
    public string? Source { get; set; }
    public string VirtualServer { get; set; } = "sample";
    /// <summary>Run the sample this many times (at most 100, within 5 s) on one runtime (shared table and limiters); the trace is of the last run.</summary>
    public int Repeat { get; set; } = 1;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}

public sealed class SampleEndpoint
{
    public string Ip { get; set; } = "10.1.2.3";
    public int Port { get; set; } = 5555;
}

public sealed class SampleRequest
{
    public string Method { get; set; } = "GET";
    public string Uri { get; set; } = "/";
    public string Version { get; set; } = "1.1";
    /// <summary>Header name → value, or an array of values.</summary>
    public Dictionary<string, JsonElement> Headers { get; set; } = [];
    public string Body { get; set; } = "";
}

public sealed class SampleResponse
{
    public int Status { get; set; } = 200;
    public string Reason { get; set; } = "OK";
    public Dictionary<string, JsonElement> Headers { get; set; } = [];
    public string Body { get; set; } = "";
}

public sealed class SamplePool
{
    public List<SampleMember>? Members { get; set; }
    /// <summary>Shorthand: this many members up (10.0.0.1, .2 …, port 80).</summary>
    public int? Up { get; set; }
    public int? Down { get; set; }

    internal IReadOnlyList<SampleMember> All()
    {
        if (Members is { Count: > 0 })
        {
            return Members;
        }
        var list = new List<SampleMember>();
        for (var i = 0; i < (Up ?? (Down is null ? 1 : 0)); i++)
        {
            list.Add(new SampleMember { Address = $"10.0.0.{i + 1}", Port = 80, Up = true });
        }
        for (var i = 0; i < (Down ?? 0); i++)
        {
            list.Add(new SampleMember { Address = $"10.0.1.{i + 1}", Port = 80, Up = false });
        }
        return list;
    }
}

public sealed class SampleMember
{
    public string Address { get; set; } = "10.0.0.1";
    public int Port { get; set; } = 80;
    public bool Up { get; set; } = true;
}

public sealed class SampleDataGroup
{
    public string Type { get; set; } = "string";
    public Dictionary<string, string> Records { get; set; } = [];
}

public sealed class SampleSsl
{
    public string? Sni { get; set; }
    public string? Protocol { get; set; }
    public string? Cipher { get; set; }
    public string? ClientCertificate { get; set; }
    public string? ClientCertificateIssuer { get; set; }
    public string? ClientCertificateSerial { get; set; }
    public string? ClientCertificateFingerprint { get; set; }
    /// <summary>ALPN protocols the client offers (CLIENTSSL_CLIENTHELLO's <c>ctx.ssl.alpnOffered</c>).</summary>
    public List<string>? AlpnOffered { get; set; }
    /// <summary>TLS versions the client offers (<c>ctx.ssl.versionsOffered</c>); default tls1.3 and tls1.2.</summary>
    public List<string>? VersionsOffered { get; set; }
    public string? Alpn { get; set; }
    public bool Resumed { get; set; }
    /// <summary>Certificate names the virtual's client-ssl profile lists (what <c>ctx.ssl.certificate(name)</c> may pick); any name when absent.</summary>
    public List<string>? Certificates { get; set; }
}
