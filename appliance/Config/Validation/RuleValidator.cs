using System.Runtime.CompilerServices;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Scripting.Compilation;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// Every rule compiles and passes the save-time checks (events, ctx members by phase, limits); the pools and data
/// groups it names by literal exist; a rule that needs HTTP is only used on virtual servers with an http profile, and
/// one with CLIENT_DATA / SERVER_DATA only on virtual servers without.
/// Analysis is cached per record, which later generations share while the rule is unchanged.
/// </summary>
internal sealed class RuleValidator : IConfigValidator
{
    private static readonly ConditionalWeakTable<Rule, RuleAnalysis> Cache = new();

    public static RuleAnalysis Analysis(Rule rule) => Cache.GetValue(rule, r => RuleCompiler.Analyze(r.Source));

    public void Validate(ValidationContext context)
    {
        var config = context.Config;
        foreach (var rule in config.Rules)
        {
            var analysis = Analysis(rule);
            var problems = analysis.Succeeded
                ? analysis.CheckReferences(p => ConfigKinds.Pools.Find(config, p) is not null, g => ConfigKinds.DataGroups.Find(config, g) is not null)
                : analysis.Diagnostics;
            foreach (var d in problems)
            {
                context.Add($"rules/{rule.Name}/source", $"line {d.Line}, column {d.Column}: {d.Message}");
            }
        }
        foreach (var v in config.Virtuals)
        {
            var isDns = v.Type == VirtualServerTypes.Dns;
            var hasHttp = v.Profiles.Any(p => config.Profiles.Find(p)?.Kind == ProfileKinds.Http);
            var hasClientSsl = v.Profiles.Any(p => config.Profiles.Find(p)?.Kind == ProfileKinds.ClientSsl);
            var hasServerSsl = v.Profiles.Any(p => config.Profiles.Find(p)?.Kind == ProfileKinds.ServerSsl);
            for (var i = 0; i < v.Rules.Length; i++)
            {
                if (!hasClientSsl && !isDns && ConfigKinds.Rules.Find(config, v.Rules[i]) is Rule tlsRule && Analysis(tlsRule).SslEventUse is { } ssl)
                {
                    // Accepting it would store a handler that never runs.
                    context.Add($"virtuals/{v.Name}/rules/{i}", $"rule '{tlsRule.Name}' line {ssl.Line}, column {ssl.Column}: {ssl.Name} runs only on virtual servers that terminate TLS, and '{v.Name}' has no client-ssl profile");
                }
                if (!hasServerSsl && !isDns && ConfigKinds.Rules.Find(config, v.Rules[i]) is Rule serverTlsRule && Analysis(serverTlsRule).ServerSslEventUse is { } serverSsl)
                {
                    context.Add($"virtuals/{v.Name}/rules/{i}", $"rule '{serverTlsRule.Name}' line {serverSsl.Line}, column {serverSsl.Column}: {serverSsl.Name} runs only on virtual servers that encrypt toward members, and '{v.Name}' has no server-ssl profile");
                }
                if (ConfigKinds.Rules.Find(config, v.Rules[i]) is Rule rule && Analysis(rule).CheckVirtual(hasHttp, isDns) is { } d)
                {
                    var which = isDns ? $"'{v.Name}' is of type dns"
                        : Analysis(rule).DnsUse is not null ? $"'{v.Name}' is of type {v.Type}"
                        : $"'{v.Name}' has {(hasHttp ? "one" : "none")}";
                    context.Add($"virtuals/{v.Name}/rules/{i}", $"rule '{rule.Name}' line {d.Line}, column {d.Column}: {d.Message}, and {which}");
                }
            }
        }
    }
}
