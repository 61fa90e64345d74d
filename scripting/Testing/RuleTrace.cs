using System.Text.Json.Nodes;

namespace Fulcrum.Scripting.Testing;

/// <summary>What a rule did to a sample: events run, each host call with its arguments, log lines, timing, the outcome.</summary>
public sealed class RuleTrace
{
    /// <summary>camelCase, nulls written (<c>"error": null</c> is part of the shape).</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    public List<TraceEvent> Events { get; } = [];
    public TraceError? Error { get; set; }
    /// <summary><c>continue | responded | dropped | rejected | closed | error</c>.</summary>
    public string Outcome { get; set; } = "continue";
    /// <summary>The pool the request (or connection) went to, and the member.</summary>
    public string? Pool { get; set; }
    public string? Member { get; set; }
    public string? Persistence { get; set; }
    /// <summary>The key <c>ctx.lb.hashKey</c> gave for <c>hashKey: rule</c> pools (null: the client address).</summary>
    public string? HashKey { get; set; }
    /// <summary>The request as sent to the server (HTTP), after the rule's changes; null when it was not sent.</summary>
    public TraceMessage? Request { get; set; }
    /// <summary>The response as the client gets it (HTTP).</summary>
    public TraceMessage? Response { get; set; }
    /// <summary>L4: bytes sent to the server, and to the client by <c>ctx.tcp.respond</c>.</summary>
    public string? Payload { get; set; }
    public string? ClientReceived { get; set; }
    /// <summary>L4: what the server got: the client's bytes as sent on, then what <c>ctx.tcp.respond</c> sent it in SERVER_DATA.</summary>
    public string? ServerReceived { get; set; }
}

public sealed class TraceEvent
{
    public required string Event { get; init; }
    public List<TraceCall> Calls { get; } = [];
    public List<TraceLog> Logs { get; } = [];
    public double Micros { get; set; }
}

public sealed record TraceCall(string Call, List<JsonNode?> Args);

public sealed record TraceLog(string Level, string Message);

public sealed record TraceError(string Message, int Line, int Column, string? Event);

public sealed class TraceMessage
{
    public string? Method { get; set; }
    public string? Uri { get; set; }
    public int? Status { get; set; }
    /// <summary>Lower-case field name → values in order.</summary>
    public Dictionary<string, List<string>> Headers { get; set; } = [];
    public string Body { get; set; } = "";
}
