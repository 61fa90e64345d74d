using Fulcrum.Scripting.Events;

namespace Fulcrum.Scripting.Compilation;

/// <summary>
/// What a rule's source says about itself, found by walking its syntax tree at save time: the events it handles, the
/// pools and data groups it names by literal, whether it needs an http profile, its limits, and every problem with
/// line and column. The appliance checks the names against the configuration (<see cref="CheckReferences"/>).
/// </summary>
public sealed class RuleAnalysis
{
    internal RuleAnalysis(IReadOnlyList<RuleDiagnostic> diagnostics, IReadOnlyList<RuleEvent> events, IReadOnlyList<RuleReference> pools,
        IReadOnlyList<RuleReference> dataGroups, RuleReference? httpUse, RuleReference? l4Use, RuleLimits limits, IReadOnlyList<string> topLevelNames)
    {
        Diagnostics = diagnostics;
        Events = events;
        Pools = pools;
        DataGroups = dataGroups;
        HttpUse = httpUse;
        L4Use = l4Use;
        Limits = limits;
        TopLevelNames = topLevelNames;
    }

    /// <summary>Problems that refuse the rule; empty when it may be saved.</summary>
    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }

    public bool Succeeded => Diagnostics.Count == 0;

    /// <summary>Events with at least one handler, in event order.</summary>
    public IReadOnlyList<RuleEvent> Events { get; }

    /// <summary>Pools named by literal in <c>ctx.lb.pool('name')</c>, <c>ctx.lb.activeMembers('name')</c>.</summary>
    public IReadOnlyList<RuleReference> Pools { get; }

    /// <summary>Data groups named by literal in <c>dataGroup('name')</c>.</summary>
    public IReadOnlyList<RuleReference> DataGroups { get; }

    /// <summary>The first place the rule needs an http profile (an HTTP event or <c>ctx.http</c>); null for an L4 rule.</summary>
    public RuleReference? HttpUse { get; }

    /// <summary>The first handler of an event that exists only without an http profile (CLIENT_DATA, SERVER_DATA); null when none.</summary>
    public RuleReference? L4Use { get; }

    public RuleLimits Limits { get; }

    /// <summary>The first handler of a client-side TLS event (CLIENTSSL_CLIENTHELLO, CLIENTSSL_HANDSHAKE); null when none.</summary>
    public RuleReference? SslEventUse { get; init; }

    /// <summary>The first SERVERSSL_HANDSHAKE handler; null when none.</summary>
    public RuleReference? ServerSslEventUse { get; init; }

    /// <summary>The first DNS_REQUEST handler; null when none. Such a rule runs only on dns virtual servers.</summary>
    public RuleReference? DnsUse { get; init; }

    /// <summary>The first handler of a connection event (any traffic event but DNS_REQUEST); null when none.</summary>
    public RuleReference? ConnectionUse { get; init; }

    /// <summary>Top-level const, function and class names; their values are frozen after loading.</summary>
    internal IReadOnlyList<string> TopLevelNames { get; }

    /// <summary>Problems with the names the rule refers to, given what the configuration holds.</summary>
    public IReadOnlyList<RuleDiagnostic> CheckReferences(Func<string, bool> poolExists, Func<string, bool> dataGroupExists)
    {
        var problems = new List<RuleDiagnostic>();
        foreach (var p in Pools)
        {
            if (!poolExists(p.Name))
            {
                problems.Add(new RuleDiagnostic($"pool '{p.Name}' does not exist", p.Line, p.Column));
            }
        }
        foreach (var g in DataGroups)
        {
            if (!dataGroupExists(g.Name))
            {
                problems.Add(new RuleDiagnostic($"data group '{g.Name}' does not exist", g.Line, g.Column));
            }
        }
        return problems;
    }

    /// <summary>
    /// The problem with running this rule on a virtual server, or null when it fits: a rule that needs HTTP cannot run
    /// on a virtual server without an http profile, and CLIENT_DATA / SERVER_DATA (raw bytes) cannot run on one with it,
    /// where the bytes are the HTTP parser's and a server connection may serve many clients (OneConnect).
    /// </summary>
    public RuleDiagnostic? CheckVirtual(bool hasHttpProfile) => CheckVirtual(hasHttpProfile, isDns: false);

    /// <summary>
    /// As <see cref="CheckVirtual(bool)"/>, and: a dns virtual server runs DNS_REQUEST only (one query, no connection),
    /// and DNS_REQUEST runs on dns virtual servers only.
    /// </summary>
    public RuleDiagnostic? CheckVirtual(bool hasHttpProfile, bool isDns)
    {
        if (isDns)
        {
            return ConnectionUse is { } c
                ? new RuleDiagnostic($"{c.Name} runs only on virtual servers that take connections; a dns virtual server runs DNS_REQUEST only", c.Line, c.Column)
                : null;
        }
        if (DnsUse is { } d)
        {
            return new RuleDiagnostic($"{d.Name} runs only on dns virtual servers (type dns)", d.Line, d.Column);
        }
        if (HttpUse is { } use && !hasHttpProfile)
        {
            return new RuleDiagnostic($"{use.Name} needs an http profile on the virtual server", use.Line, use.Column);
        }
        if (L4Use is { } l4 && hasHttpProfile)
        {
            var instead = l4.Name.Contains("SERVER_DATA", StringComparison.Ordinal) ? "HTTP_RESPONSE / HTTP_RESPONSE_DATA" : "HTTP_REQUEST / HTTP_REQUEST_DATA";
            return new RuleDiagnostic($"{l4.Name} runs only on virtual servers without an http profile (with one, use {instead})", l4.Line, l4.Column);
        }
        return null;
    }
}
