using System.Collections.Frozen;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.DataPlane.Listeners;
using Fulcrum.Appliance.DataPlane.Rules;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// Keeps one <see cref="DnsServer"/> per enabled dns virtual, following the pools' live state: after every reconcile
/// of <see cref="BalancingState"/> (which follows each published config) the catalogs are rebuilt from the current
/// snapshot and swapped into running servers; a new or moved destination binds, a removed or disabled one closes.
/// A failed bind is retried on the next change and every few seconds.
/// </summary>
public sealed class DnsListenerManager : IHostedService, IDisposable
{
    public const int DefaultResponseRateLimit = 200;
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(5);

    private readonly RuntimeModel _runtime;
    private readonly BalancingState _balancing;
    private readonly DnsCounters _counters;
    private readonly RuleSetCache _rules;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Action<FrozenDictionary<string, PoolState>> _changed;
    private Dictionary<string, DnsServer> _servers = new(StringComparer.Ordinal);
    private Timer? _retry;
    private bool _stopped;

    public DnsListenerManager(RuntimeModel runtime, BalancingState balancing, DnsCounters counters, RuleSetCache rules, TimeProvider time, ILogger<DnsListenerManager> logger)
    {
        _rules = rules;
        _runtime = runtime;
        _balancing = balancing;
        _counters = counters;
        _time = time;
        _logger = logger;
        _changed = _ => Reconcile();
    }

    public IReadOnlyDictionary<string, DnsServer> Servers => Volatile.Read(ref _servers);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _balancing.Changed += _changed;
        Reconcile();
        _retry = new Timer(_ => Reconcile(), null, RetryPeriod, RetryPeriod);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _balancing.Changed -= _changed;
        lock (_gate)
        {
            _stopped = true;
            foreach (var s in _servers.Values)
            {
                s.Stop();
            }
        }
        return Task.CompletedTask;
    }

    private void Reconcile()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            var snapshot = _runtime.Current;
            var current = _servers;
            var next = new Dictionary<string, DnsServer>(StringComparer.Ordinal);
            var keep = new HashSet<DnsServer>(ReferenceEqualityComparer.Instance);
            var toStart = new List<DnsServer>();
            foreach (var v in snapshot.Config.Virtuals)
            {
                if (v.Type != VirtualServerTypes.Dns || !v.Enabled || !AddressSyntax.TryParseEndpoint(v.Destination, out var endpoint))
                {
                    continue;
                }
                DnsRules? rules = null;
                if (!v.Rules.IsDefaultOrEmpty)
                {
                    // Compiled once per rule version (the cache); a set per catalog is a few small arrays.
                    var set = _rules.Build(v.Name, v.Rules, snapshot, out var broken);
                    rules = new DnsRules(set, broken || set is null, v.Name, endpoint);
                }
                var catalog = DnsCatalog.Build(v, snapshot.Config, snapshot.Generation, _balancing, rules);
                var limit = v.ResponseRateLimit ?? DefaultResponseRateLimit;
                if (current.TryGetValue(v.Name, out var existing) && existing.EndPoint.Equals(endpoint))
                {
                    var rrl = existing.RateLimiter is { } old && old.Limit == limit ? old : limit > 0 ? new DnsRateLimiter(limit, _time) : null;
                    existing.Update(catalog, rrl);
                    if (existing.State == ListenerState.Error)
                    {
                        // A socket cannot be bound twice: a failed server is replaced by a new one.
                        var fresh = new DnsServer(v.Name, endpoint, catalog, rrl, _counters.Virtual(v.Name), _logger);
                        toStart.Add(fresh);
                        next[v.Name] = fresh;
                        continue;
                    }
                    keep.Add(existing);
                    next[v.Name] = existing;
                    continue;
                }
                var server = new DnsServer(v.Name, endpoint, catalog, limit > 0 ? new DnsRateLimiter(limit, _time) : null, _counters.Virtual(v.Name), _logger);
                toStart.Add(server);
                next[v.Name] = server;
            }
            foreach (var s in current.Values)
            {
                if (!keep.Contains(s))
                {
                    s.Stop();
                }
            }
            foreach (var s in toStart)
            {
                s.Start();
            }
            Volatile.Write(ref _servers, next);
        }
    }

    public void Dispose() => _retry?.Dispose();
}
