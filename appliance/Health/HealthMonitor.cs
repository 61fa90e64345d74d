using System.Net;
using System.Text.Json;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Config.Validation;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// The health-check engine: which checks exist (reconciled from the pools, their monitors and the nodes), when each is
/// due (one priority queue ordered by due time), and what their results make of each member. It owns no thread:
/// <see cref="HealthMonitorService"/> calls <see cref="RunDue"/> from one loop, and probes run as async tasks capped
/// by a global semaphore. Tests drive it directly with a manual <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Each check keeps a phase within its interval, taken from a hash of its key, so 2,000 checks at one second are
/// spread over the second instead of firing together. A check's queue entry is due at its next probe or at its down
/// deadline, whichever is first; a probe still running when the next is due is not doubled (the slot is skipped and
/// counted as an overrun). All state is guarded by one lock, held only for bookkeeping, never across a probe.
/// </remarks>
public sealed partial class HealthMonitor : IDisposable
{
    public const int DefaultMaxConcurrentProbes = 256;

    /// <summary>Checks due within this much of now run in the same pass (fewer wake-ups, no visible effect).</summary>
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(1);

    private readonly BalancingState _balancing;
    private readonly RuntimeModel _runtime;
    private readonly ProbeRegistry _probes;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthMonitor> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<HealthCheck, TimeSpan> _queue = new();
    private Dictionary<CheckKey, HealthCheck> _checks = [];
    private Dictionary<MemberState, MemberTracker> _members = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, (string Json, CompiledMonitor Compiled)> _compiled = new(StringComparer.Ordinal);
    private TimeSpan _plannedWake = TimeSpan.MaxValue;
    private long _probesStarted;
    private long _probesCompleted;
    private long _overruns;
    private long _starved;

    public HealthMonitor(BalancingState balancing, RuntimeModel runtime, ProbeRegistry probes, TimeProvider time, ILogger<HealthMonitor> logger, int maxConcurrentProbes = DefaultMaxConcurrentProbes)
    {
        _balancing = balancing;
        _runtime = runtime;
        _probes = probes;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(maxConcurrentProbes, maxConcurrentProbes);
        MaxConcurrentProbes = maxConcurrentProbes;
        _origin = time.GetTimestamp();
    }

    public int MaxConcurrentProbes { get; }

    /// <summary>Raised when work may be due earlier than the loop planned (new checks, a changed deadline).</summary>
    public event Action? Wake;

    public long ProbesStarted => Interlocked.Read(ref _probesStarted);

    public long ProbesCompleted => Interlocked.Read(ref _probesCompleted);

    /// <summary>Probe slots skipped because the previous probe of the same check was still running.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>Probes that found no free slot (of <see cref="MaxConcurrentProbes"/>) before their timeout.</summary>
    public long Starved => Interlocked.Read(ref _starved);

    public int CheckCount
    {
        get
        {
            lock (_gate)
            {
                return _checks.Count;
            }
        }
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>
    /// Brings the checks in line with the current pools and nodes: starts checks for new (target, monitor) pairs, stops
    /// removed ones, keeps the state of the others, and re-evaluates every monitored member. Members left without any
    /// monitor go back to unchecked.
    /// </summary>
    public void Reconcile()
    {
        lock (_gate)
        {
            var now = Now;
            var wall = _time.GetUtcNow();
            var config = _runtime.Current.Config;
            var monitors = config.Monitors.ToDictionary(m => m.Name, StringComparer.Ordinal);
            var nodes = new Dictionary<IPAddress, Config.Model.Node>();
            foreach (var node in config.Nodes)
            {
                if (AddressSyntax.TryParseIp(node.Address, out var ip) && node.Monitors.Length > 0)
                {
                    nodes[ip] = node;
                }
            }
            var compiled = new Dictionary<string, (string Json, CompiledMonitor Compiled)>(StringComparer.Ordinal);
            var checks = new Dictionary<CheckKey, HealthCheck>();
            var members = new Dictionary<MemberState, MemberTracker>(ReferenceEqualityComparer.Instance);
            var added = 0;

            HealthCheck? CheckFor(string monitorName, IPEndPoint target)
            {
                var key = new CheckKey(monitorName, target);
                if (checks.TryGetValue(key, out var check))
                {
                    return check;
                }
                if (!monitors.TryGetValue(monitorName, out var monitor) || Compile(monitor, compiled) is not { } cm)
                {
                    return null;
                }
                if (_probes.For(cm.Type) is not { } probe)
                {
                    Log.UnknownMonitorType(_logger, monitorName, cm.Type);
                    return null;
                }
                if (_checks.TryGetValue(key, out check))
                {
                    check.Monitor = cm;
                    check.Probe = probe;
                    check.Members.Clear();
                }
                else
                {
                    check = new HealthCheck(key, cm, probe, now, wall) { NextProbe = now + Phase(key, cm.Interval) };
                    Enqueue(check);
                    added++;
                }
                checks[key] = check;
                return check;
            }

            foreach (var pool in _balancing.Pools.Values)
            {
                var poolConfig = pool.Config.Config;
                foreach (var member in pool.Members)
                {
                    var endPoint = member.EndPoint;
                    var poolChecks = poolConfig.Monitors.Select(name => CheckFor(name, endPoint)).OfType<HealthCheck>().ToArray();
                    nodes.TryGetValue(endPoint.Address, out var node);
                    var nodeTarget = new IPEndPoint(endPoint.Address, 0);
                    var nodeChecks = node is null ? [] : node.Monitors.Select(name => CheckFor(name, nodeTarget)).OfType<HealthCheck>().ToArray();
                    if (poolChecks.Length == 0 && nodeChecks.Length == 0)
                    {
                        continue;
                    }
                    if (!_members.TryGetValue(member, out var tracker))
                    {
                        tracker = new MemberTracker(member);
                    }
                    tracker.Assign(poolChecks, poolConfig.MonitorMinUp, node?.Name, nodeChecks);
                    foreach (var c in tracker.Checks)
                    {
                        c.Members.Add(tracker);
                    }
                    members[member] = tracker;
                }
            }

            var removed = 0;
            foreach (var (key, check) in _checks)
            {
                if (!checks.ContainsKey(key))
                {
                    check.Removed = true;
                    check.Attempt?.Cancel();
                    removed++;
                }
            }
            foreach (var (member, _) in _members)
            {
                if (!members.ContainsKey(member) && member.Health.Status != HealthStatus.Unchecked)
                {
                    member.SetHealth(MemberHealth.Unchecked);
                    Log.MemberUnmonitored(_logger, member.Pool, member.Key);
                }
            }
            _checks = checks;
            _members = members;
            _compiled = compiled;
            foreach (var tracker in members.Values)
            {
                ApplyMember(tracker, wall);
            }
            Log.Reconciled(_logger, checks.Count, members.Count, added, removed);
        }
        Wake?.Invoke();
    }

    /// <summary>
    /// Runs every check that is due: expires those past their deadline and starts the probes whose slot has come.
    /// Returns how long the caller may sleep before the next check is due (at most one second).
    /// </summary>
    public TimeSpan RunDue()
    {
        List<(HealthCheck Check, CancellationTokenSource Cts, IPEndPoint Target)>? launch = null;
        TimeSpan delay;
        lock (_gate)
        {
            var now = Now;
            var wall = _time.GetUtcNow();
            var horizon = now + Coalesce;
            while (_queue.TryPeek(out var check, out var due) && due <= horizon)
            {
                _queue.Dequeue();
                if (check.Removed || check.QueuedDue != due)
                {
                    continue;
                }
                // Deadlines within the horizon count as reached, so a re-queued check is never due again in this pass.
                if (check.Expire(horizon, wall))
                {
                    CheckChanged(check, wall);
                }
                if (check.NextProbe <= horizon)
                {
                    if (check.InFlight)
                    {
                        Interlocked.Increment(ref _overruns);
                    }
                    else
                    {
                        check.InFlight = true;
                        var cts = new CancellationTokenSource(check.Monitor.Timeout, _time);
                        check.Attempt = cts;
                        (launch ??= []).Add((check, cts, check.Monitor.Resolve(check.Key.Target)));
                    }
                    // Keep the check's phase: the next slot is one interval after this one, skipping slots already missed.
                    var interval = check.CurrentInterval;
                    var next = check.NextProbe + interval;
                    check.NextProbe = next > now ? next : now + interval;
                }
                Enqueue(check);
            }
            delay = _queue.TryPeek(out _, out var nextDue) ? nextDue - now : MaxIdle;
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxIdle ? MaxIdle : delay;
            _plannedWake = now + delay;
        }
        if (launch is not null)
        {
            foreach (var (check, cts, target) in launch)
            {
                _ = AttemptAsync(check, cts, target);
            }
        }
        return delay;
    }

    /// <summary>Releases the manual-resume hold of every check governing a member.</summary>
    public (ResumeOutcome Outcome, MemberHealth? Health) Resume(string poolName, string memberKey)
    {
        bool resumed;
        MemberState member;
        lock (_gate)
        {
            if (_balancing.Pool(poolName) is not { } pool)
            {
                return (ResumeOutcome.PoolNotFound, null);
            }
            if (FindMember(pool, memberKey) is not { } found)
            {
                return (ResumeOutcome.MemberNotFound, null);
            }
            member = found;
            if (!_members.TryGetValue(member, out var tracker))
            {
                return (ResumeOutcome.NotMonitored, member.Health);
            }
            var wall = _time.GetUtcNow();
            resumed = false;
            foreach (var check in tracker.Checks)
            {
                if (check.Resume(wall))
                {
                    resumed = true;
                    Enqueue(check);
                    CheckChanged(check, wall);
                }
            }
            if (resumed)
            {
                Log.MemberResumed(_logger, pool.Name, member.Key, member.Health.StatusName);
            }
        }
        if (resumed)
        {
            Wake?.Invoke();
        }
        return (resumed ? ResumeOutcome.Resumed : ResumeOutcome.NotHeld, member.Health);
    }

    /// <summary>The checks governing a member, for the status report; null when it is not monitored.</summary>
    public MemberHealthReport? Report(MemberState member)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(member, out var tracker))
            {
                return null;
            }
            var checks = new List<CheckReport>();
            foreach (var c in tracker.PoolChecks)
            {
                checks.Add(new CheckReport(c.Monitor.Name, c.Monitor.Type, "pool", c.Status, c.Reason, c.Since, c.Transitions, c.AwaitingResume));
            }
            foreach (var c in tracker.NodeChecks)
            {
                checks.Add(new CheckReport(c.Monitor.Name, c.Monitor.Type, "node", c.Status, c.Reason, c.Since, c.Transitions, c.AwaitingResume));
            }
            return new MemberHealthReport(tracker.Transitions, checks);
        }
    }

    /// <summary>Stops every check: running probes are cancelled and their results dropped.</summary>
    public void StopAll()
    {
        lock (_gate)
        {
            foreach (var check in _checks.Values)
            {
                check.Removed = true;
                check.Attempt?.Cancel();
            }
            _checks = [];
            _queue.Clear();
        }
    }

    /// <summary>Stops every check. The slot semaphore is left undisposed on purpose: cancelled probes still release their slot.</summary>
    public void Dispose() => StopAll();

    private async Task AttemptAsync(HealthCheck check, CancellationTokenSource cts, IPEndPoint target)
    {
        var monitor = check.Monitor;
        ProbeResult? result = null;
        try
        {
            await _slots.WaitAsync(cts.Token).ConfigureAwait(false);
            try
            {
                Interlocked.Increment(ref _probesStarted);
                result = await check.Probe.ProbeAsync(target, monitor, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                result = ProbeResult.Down($"{monitor.Type}: no answer within {monitor.Config.Timeout}s");
            }
            catch (Exception ex)
            {
                Log.ProbeError(_logger, ex, monitor.Name, target.ToString());
                result = ProbeResult.Down($"{monitor.Type}: probe error: {ex.Message}");
            }
            finally
            {
                _slots.Release();
                Interlocked.Increment(ref _probesCompleted);
            }
        }
        catch (OperationCanceledException)
        {
            // No slot within the timeout (or the check was removed): no verdict on the target.
            if (!check.Removed)
            {
                Interlocked.Increment(ref _starved);
                Log.ProbeStarved(_logger, monitor.Name, target.ToString(), MaxConcurrentProbes);
            }
        }
        var wake = false;
        lock (_gate)
        {
            check.InFlight = false;
            check.Attempt = null;
            if (!check.Removed && result is { } r)
            {
                var wall = _time.GetUtcNow();
                if (check.Apply(r, Now, wall))
                {
                    CheckChanged(check, wall);
                }
                wake = Enqueue(check);
            }
        }
        cts.Dispose();
        if (wake)
        {
            Wake?.Invoke();
        }
    }

    /// <summary>Queues a check at its next probe or its down deadline, whichever comes first; true when that is before the loop's planned wake.</summary>
    private bool Enqueue(HealthCheck check)
    {
        var due = check.NextProbe;
        if (check.DownDeadline is { } deadline && deadline < due)
        {
            due = deadline;
        }
        check.QueuedDue = due;
        _queue.Enqueue(check, due);
        return due < _plannedWake;
    }

    private void CheckChanged(HealthCheck check, DateTimeOffset wall)
    {
        Log.CheckStatusChanged(_logger, check.Monitor.Name, check.Key.Target.ToString(), check.Status.ToString(), check.Reason ?? "");
        foreach (var tracker in check.Members)
        {
            ApplyMember(tracker, wall);
        }
    }

    private void ApplyMember(MemberTracker tracker, DateTimeOffset wall)
    {
        if (tracker.Apply(wall) is { } previous)
        {
            var health = tracker.Member.Health;
            Log.MemberStatusChanged(_logger, tracker.Pool, tracker.Member.Key, health.StatusName, previous.StatusName, health.Reason ?? "");
        }
    }

    private CompiledMonitor? Compile(Monitor monitor, Dictionary<string, (string Json, CompiledMonitor Compiled)> compiled)
    {
        if (compiled.TryGetValue(monitor.Name, out var done))
        {
            return done.Compiled;
        }
        // Records compare arrays by reference, so two generations' equal monitors compare by their JSON instead
        // (with the server-ssl profile and its certificates, whose changes must rebuild the TLS settings).
        var config = _runtime.Current.Config;
        var serverSsl = monitor.ServerSsl is { } sslName ? config.Profiles.ServerSsl.FirstOrDefault(p => p.Name == sslName) : null;
        var json = JsonSerializer.Serialize(monitor, ConfigJson.Options);
        if (serverSsl is not null)
        {
            json += JsonSerializer.Serialize(serverSsl, ConfigJson.Options)
                + string.Concat(config.Certificates.Where(c => c.Name == serverSsl.Certificate || c.Name == serverSsl.CaCertificate).Select(c => c.Pem + c.Key));
        }
        if (!_compiled.TryGetValue(monitor.Name, out var previous) || previous.Json != json)
        {
            try
            {
                previous = (json, new CompiledMonitor(monitor) { ServerTls = serverSsl is null ? null : DataPlane.Tls.ServerTlsMaterial.Build(serverSsl, config) });
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
        }
        compiled[monitor.Name] = previous;
        return previous.Compiled;
    }

    private static TimeSpan Phase(CheckKey key, TimeSpan interval) =>
        TimeSpan.FromTicks((long)((uint)key.GetHashCode() % (ulong)Math.Max(1, interval.Ticks)));

    private static MemberState? FindMember(PoolState pool, string key)
    {
        var parsed = AddressSyntax.TryParseEndpoint(key, out var ep) ? ep : null;
        foreach (var m in pool.Members)
        {
            if (m.Key == key || (parsed is not null && m.EndPoint.Equals(parsed)))
            {
                return m;
            }
        }
        return null;
    }
}
