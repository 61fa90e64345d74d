using System.Collections.Concurrent;
using Fulcrum.Scripting.Compilation;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// The rule engine of one process: compiles rule versions, builds rule sets for virtual servers, and holds what rules
/// share: the table, the limiters, the per-rule statistics and the rate-limited rule log.
/// </summary>
public sealed class RuleRuntime
{
    private readonly ConcurrentDictionary<string, RuleStatistics> _statistics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LogBucket> _logBuckets = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RuleRuntime(RuleRuntimeOptions? options = null, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        Options = options ?? new RuleRuntimeOptions();
        _time = time ?? TimeProvider.System;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Fulcrum.Rules");
        Table = new RuleTable(Options.MaxTableEntries, _time);
        Limiters = new LimiterRegistry(_time);
    }

    public RuleRuntimeOptions Options { get; }

    public RuleTable Table { get; }

    public LimiterRegistry Limiters { get; }

    /// <summary>
    /// Compiles a rule version: parses, checks, loads it once and runs RULE_INIT. Throws
    /// <see cref="RuleCompileException"/> with line and column when it cannot run.
    /// </summary>
    public RuleProgram Compile(string name, string source)
    {
        _ = WarmedUp.Value;
        var analysis = RuleCompiler.Parse(source, out var prepared);
        if (!analysis.Succeeded)
        {
            throw new RuleCompileException(name, analysis.Diagnostics);
        }
        var program = new RuleProgram(this, name, source, prepared, analysis, _statistics.GetOrAdd(name, n => new RuleStatistics(n)));
        RuleError? error;
        try
        {
            error = program.Initialize();
        }
        catch (Jint.Runtime.JavaScriptException ex)
        {
            throw new RuleCompileException(name, [new RuleDiagnostic(ex.Message, ex.Location.Start.Line, ex.Location.Start.Column + 1)]);
        }
        catch (Exception ex) when (ex is TimeoutException or Jint.Runtime.StatementsCountOverflowException or Jint.Runtime.MemoryLimitExceededException or Jint.Runtime.RecursionDepthOverflowException)
        {
            throw new RuleCompileException(name, [new RuleDiagnostic($"loading the rule overran a limit: {ex.Message}", 1, 1)]);
        }
        if (error is not null)
        {
            throw new RuleCompileException(name, [new RuleDiagnostic($"RULE_INIT failed: {error.Message}", error.Line, error.Column)]);
        }
        return program;
    }

    /// <summary>
    /// Runs a rule once per process with a generous limit before any real one, so the first real handler call does not
    /// pay for JIT-compiling the interpreter (tens of milliseconds) against its own time limit.
    /// </summary>
    private static readonly Lazy<bool> WarmedUp = new(() =>
    {
        var runtime = new RuleRuntime();
        var analysis = RuleCompiler.Parse(WarmUpRule, out var prepared);
        var program = new RuleProgram(runtime, "warm-up", WarmUpRule, prepared, analysis, new RuleStatistics("warm-up"));
        program.Initialize();
        var set = runtime.CreateSet("warm-up", [program], DataGroups.DataGroupIndex.Provider([DataGroups.DataGroupIndex.Build("g", "string", [new("/a", "x")])]));
        for (var i = 0; i < 3; i++)
        {
            var ctx = new Testing.SampleContext(new Testing.RuleSample { Request = new Testing.SampleRequest { Uri = "/a/b?c=d" } });
            var connection = set.Open(ctx);
            foreach (var e in new[] { RuleEvent.ClientAccepted, RuleEvent.HttpRequest, RuleEvent.HttpResponseRelease })
            {
                ctx.ResponseList = new Testing.HeaderList();
                set.Dispatch(connection, e);
            }
        }
        return true;
    });

    private const string WarmUpRule = """
        limits({timeMs: 1000});
        when('RULE_INIT', () => { statics.p = ['/a', '/b']; });
        when('CLIENT_ACCEPTED', ctx => { ctx.vars.ip = ctx.client.ip; });
        when('HTTP_REQUEST', ctx => {
          const path = ctx.http.normalizedPath.toLowerCase();
          if (dataGroup('g').startsWith(path) && ctx.client.ip.inSubnet('10.0.0.0/8')) ctx.lb.pool('p');
          ctx.http.setHeader('x-a', ctx.http.header('host') || ctx.http.method + ctx.http.query);
          ctx.req.t = Date.now();
          table.incr('k', 1, 1000);
          JSON.stringify({ a: [1, 'b'] }).replace(/a/g, 'b').split(',').join(';');
        });
        when('HTTP_RESPONSE_RELEASE', ctx => { ctx.http.setHeader('x-t', String(Date.now() - ctx.req.t)); });
        """;

    /// <summary>The rules of a virtual server, in its order, with the data groups of the same configuration.</summary>
    public RuleSet CreateSet(string virtualServer, IReadOnlyList<RuleProgram> rules, IDataGroupProvider dataGroups) =>
        new(this, virtualServer, rules, dataGroups);

    /// <summary>Counters of every rule compiled so far (for /api/v1/status and /metrics).</summary>
    public IReadOnlyList<RuleStatisticsSnapshot> Statistics() => [.. _statistics.Values.Select(s => s.Snapshot()).OrderBy(s => s.Name, StringComparer.Ordinal)];

    internal void Failed(RuleProgram program, RuleError error, RuleSet set, RuleConnection connection)
    {
        if (Bucket(program.Name).Take(_time, Options.LogLinesPerSecond, Options.LogSampleOneIn, out var suppressed))
        {
            RuleLog.Failed(_logger, error.Rule, error.Event, set.VirtualServer, connection.Id, error.Line, error.Column, error.Kind.ToString(), error.Message, suppressed);
        }
    }

    internal void Log(RuleProgram program, RuleEvent e, RuleConnection? connection, string level, string message)
    {
        var logLevel = level switch
        {
            "debug" => LogLevel.Debug,
            "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Information,
        };
        if (!_logger.IsEnabled(logLevel))
        {
            return;
        }
        if (Bucket(program.Name).Take(_time, Options.LogLinesPerSecond, Options.LogSampleOneIn, out var suppressed))
        {
            RuleLog.Message(_logger, logLevel, program.Name, RuleEvents.Name(e), connection?.RuleSet.VirtualServer ?? "", connection?.Id ?? "", message, suppressed);
        }
    }

    private LogBucket Bucket(string rule) => _logBuckets.GetOrAdd(rule, _ => new LogBucket());

    /// <summary>A one-second window of log lines per rule; past the rate, one in N lines passes with the count it stands for.</summary>
    private sealed class LogBucket
    {
        private long _second;
        private int _count;
        private long _suppressed;

        public bool Take(TimeProvider time, int perSecond, int oneIn, out long suppressed)
        {
            var now = time.GetTimestamp() / time.TimestampFrequency;
            lock (this)
            {
                if (now != _second)
                {
                    _second = now;
                    _count = 0;
                }
                _count++;
                if (_count <= perSecond || (_count - perSecond) % oneIn == 0)
                {
                    suppressed = _suppressed;
                    _suppressed = 0;
                    return true;
                }
                _suppressed++;
                suppressed = 0;
                return false;
            }
        }
    }
}
