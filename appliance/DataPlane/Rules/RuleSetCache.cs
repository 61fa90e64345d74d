using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Runtime;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// Compiled rules across configuration generations: a rule version (name and source) is compiled once (RULE_INIT runs
/// once) and reused by every later generation that still holds it; a data group record is indexed once. The rule set
/// of a virtual server is built per plan (per generation), from these.
/// </summary>
public sealed class RuleSetCache
{
    private readonly RuleRuntime _runtime;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Name, string Source), Lazy<RuleProgram?>> _programs = new();
    private readonly ConditionalWeakTable<DataGroup, IRuleDataGroup> _groups = new();
    private readonly ConditionalWeakTable<RuntimeSnapshot, IDataGroupProvider> _providers = new();

    public RuleSetCache(RuleRuntime runtime, RuntimeModel model, ILogger<RuleSetCache> logger)
    {
        _runtime = runtime;
        _logger = logger;
        // Compile new rule versions when a configuration is published, off the publisher's thread, so the first
        // connection does not pay for it.
        model.Published += snapshot => _ = Task.Run(() => Warm(snapshot));
        _ = Task.Run(() => Warm(model.Current));
    }

    public RuleRuntime Runtime => _runtime;

    /// <summary>
    /// The rule set for a virtual at a generation; null when it lists no rule. <paramref name="broken"/> is true when a
    /// listed rule is missing or does not compile (the proxy then refuses the virtual's connections: fail closed).
    /// </summary>
    public RuleSet? Build(RuntimeVirtual virtualServer, RuntimeSnapshot snapshot, out bool broken) =>
        Build(virtualServer.Name, virtualServer.Config.Rules, snapshot, out broken);

    /// <summary>The rule set of the virtual named <paramref name="virtualServer"/> listing <paramref name="names"/> (dns virtuals, which have no <see cref="RuntimeVirtual"/> plan).</summary>
    public RuleSet? Build(string virtualServer, System.Collections.Immutable.ImmutableArray<string> names, RuntimeSnapshot snapshot, out bool broken)
    {
        broken = false;
        if (names.IsDefaultOrEmpty)
        {
            return null;
        }
        var programs = new List<RuleProgram>(names.Length);
        foreach (var name in names)
        {
            var rule = snapshot.Config.Rules.FirstOrDefault(r => r.Name == name);
            if (rule is null || Program(rule) is not { } program)
            {
                broken = true;
                return null;
            }
            programs.Add(program);
        }
        return _runtime.CreateSet(virtualServer, programs, _providers.GetValue(snapshot, DataGroups));
    }

    private RuleProgram? Program(Rule rule) =>
        _programs.GetOrAdd((rule.Name, rule.Source), key => new Lazy<RuleProgram?>(() =>
        {
            try
            {
                return _runtime.Compile(key.Name, key.Source);
            }
            catch (RuleCompileException ex)
            {
                RulesLog.CompileFailed(_logger, key.Name, ex.Message);
                return null;
            }
        })).Value;

    private IDataGroupProvider DataGroups(RuntimeSnapshot snapshot) =>
        DataGroupIndex.Provider(snapshot.Config.DataGroups.Select(g => _groups.GetValue(g, d => DataGroupIndex.Build(d.Name, d.Type, d.Records))));

    private void Warm(RuntimeSnapshot snapshot)
    {
        try
        {
            var live = snapshot.Config.Rules.Select(r => (r.Name, r.Source)).ToHashSet();
            foreach (var rule in snapshot.Config.Rules)
            {
                if (snapshot.Config.Virtuals.Any(v => v.Rules.Contains(rule.Name)))
                {
                    Program(rule);
                }
            }
            // Versions no longer in the configuration are let go (connections that hold their set keep them alive).
            foreach (var key in _programs.Keys)
            {
                if (!live.Contains(key))
                {
                    _programs.TryRemove(key, out _);
                }
            }
        }
        catch (Exception ex)
        {
            RulesLog.WarmFailed(_logger, ex);
        }
    }
}
