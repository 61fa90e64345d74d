using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Host;
using Fulcrum.Scripting.Runtime;
using Jint.Native;

namespace Fulcrum.Scripting.Testing;

/// <summary>
/// Runs a rule on a sample connection the way the proxy would, event by event, with a runtime of its own (its own
/// table and limiters), so a test never touches live traffic. Returns the trace.
/// </summary>
public static class RuleTestBench
{
    private const int MaxRetries = SampleContext.MaxRetries;
    private const int MaxRepeat = 100;
    private static readonly TimeSpan RepeatBudget = TimeSpan.FromSeconds(5);

    /// <param name="configPools">Pools of the configuration (members with their state); the sample's pools override them.</param>
    /// <param name="configDataGroups">Data groups of the configuration; the sample's override them by name.</param>
    public static RuleTrace Run(string ruleName, string source, RuleSample sample,
        IReadOnlyDictionary<string, IReadOnlyList<SampleMember>>? configPools = null, IEnumerable<IRuleDataGroup>? configDataGroups = null)
    {
        var trace = new RuleTrace();
        var runtime = new RuleRuntime();
        RuleProgram program;
        try
        {
            program = runtime.Compile(ruleName, source);
        }
        catch (RuleCompileException ex)
        {
            var d = ex.Diagnostics[0];
            trace.Error = new TraceError(d.Message, d.Line, d.Column, null);
            trace.Outcome = "error";
            return trace;
        }
        var groups = new Dictionary<string, IRuleDataGroup>(StringComparer.Ordinal);
        foreach (var g in configDataGroups ?? [])
        {
            groups[g.Name] = g;
        }
        foreach (var (name, g) in sample.DataGroups ?? [])
        {
            groups[name] = DataGroupIndex.Build(name, g.Type, g.Records);
        }
        var set = runtime.CreateSet(sample.VirtualServer, [program], DataGroupIndex.Provider(groups.Values));
        try
        {
            // Repeats share the runtime (table, limiters); bounded in count and time, since the bench runs on the management plane.
            var started = Stopwatch.GetTimestamp();
            for (var i = 1; i < Math.Clamp(sample.Repeat, 1, MaxRepeat) && Stopwatch.GetElapsedTime(started) < RepeatBudget; i++)
            {
                new Flow(set, new SampleContext(sample, configPools), sample, new RuleTrace()).Run();
            }
            new Flow(set, new SampleContext(sample, configPools), sample, trace).Run();
        }
        catch (FormatException ex)
        {
            trace.Error = new TraceError(ex.Message, 0, 0, null);
            trace.Outcome = "error";
        }
        return trace;
    }

    private sealed class Flow(RuleSet set, SampleContext ctx, RuleSample sample, RuleTrace trace) : IRuleTrace
    {
        private readonly RuleConnection _conn = set.Open(ctx);
        private TraceEvent? _current;

        public void Run()
        {
            _conn.Trace = this;
            if (Step(RuleEvent.ClientAccepted) is not RuleStatus.Continue and not RuleStatus.Stopped)
            {
                Finish();
                return;
            }
            if (sample.Ssl is not null && (Step(RuleEvent.ClientSslClientHello) is var h && Terminal(h) || Terminal(Step(RuleEvent.ClientSslHandshake))))
            {
                Finish();
                return;
            }
            if (sample.Request is null)
            {
                RunL4();
            }
            else
            {
                RunHttp();
            }
            Finish();
        }

        private void RunL4()
        {
            if (ctx.TcpCollect is not null || sample.Payload is not null)
            {
                ctx.TimedOut = sample.TimedOut;
                var status = Step(RuleEvent.ClientData);
                ctx.TimedOut = false;
                if (Terminal(status))
                {
                    return;
                }
            }
            if (!Balance())
            {
                return;
            }
            trace.Payload = Encoding.Latin1.GetString(ctx.Payload.Span);
            ctx.ServerReceived.Append(trace.Payload);
            if (Terminal(Step(RuleEvent.ServerConnected)))
            {
                return;
            }
            RunServerData(sample.ServerMessages ?? (sample.ServerPayload is null ? [] : [sample.ServerPayload]));
        }

        /// <summary>
        /// The server's messages, held as the proxy holds them: after a collect in SERVER_CONNECTED (or a release and
        /// collect in SERVER_DATA) the next messages are held until as many bytes as asked are (the end of the messages
        /// counts as the server's FIN), then SERVER_DATA runs; what is released, and everything once the rule stops
        /// collecting, goes to the client.
        /// </summary>
        private void RunServerData(List<string> messages)
        {
            var next = 0;
            var held = "";
            while (ctx.ServerCollect is > 0 and var want && set.Handles(RuleEvent.ServerData))
            {
                while (held.Length < want && next < messages.Count)
                {
                    held += messages[next++];
                }
                if (held.Length == 0)
                {
                    return;
                }
                var closed = next == messages.Count && held.Length < want;
                ctx.Payload = Encoding.Latin1.GetBytes(held);
                ctx.Released = false;
                ctx.ReleasedBytes = null;
                ctx.ServerCollect = null;
                var status = Step(RuleEvent.ServerData);
                var payload = Encoding.Latin1.GetString(ctx.Payload.Span);
                if (Terminal(status))
                {
                    if (status == RuleStatus.Closed && ctx.Released)
                    {
                        ctx.ClientReceived.Append(payload);
                    }
                    return;
                }
                var collect = ctx.ServerCollect ?? 0;
                if (ctx.Released && ctx.ReleasedBytes is { } n && n < payload.Length && !(closed && n == 0))
                {
                    // release(n), as in the proxy: the first n go on, the rest stays held for the next SERVER_DATA (at
                    // the collect count, else once more arrives; right away after the end while it makes progress).
                    ctx.ClientReceived.Append(payload[..n]);
                    held = payload[n..];
                    var more = held.Length + 1;
                    ctx.ServerCollect = collect <= 0 ? more : n == 0 ? Math.Max(collect, more) : collect;
                    continue;
                }
                if (closed || (!ctx.Released && collect <= held.Length))
                {
                    ctx.ServerCollect = null;
                }
                if (ctx.Released || collect <= held.Length || closed)
                {
                    ctx.ClientReceived.Append(payload);
                    held = "";
                }
                else
                {
                    held = payload;
                }
            }
            ctx.ClientReceived.Append(held);
            for (; next < messages.Count; next++)
            {
                ctx.ClientReceived.Append(messages[next]);
            }
        }

        private void RunHttp()
        {
            var status = Step(RuleEvent.HttpRequest);
            if (Terminal(status))
            {
                return;
            }
            if (status != RuleStatus.Responded && ctx.RequestCollect is { } max)
            {
                ctx.RequestBody = ctx.RequestBody[..Math.Min(max, ctx.RequestBody.Length)];
                status = Step(RuleEvent.HttpRequestData);
                if (Terminal(status))
                {
                    return;
                }
            }
            if (status == RuleStatus.Responded)
            {
                LocalResponse();
                return;
            }
            for (var attempt = 0; ; attempt++)
            {
                if (!Balance())
                {
                    if (_conn.Response is not null)
                    {
                        LocalResponse();
                    }
                    else if (trace.Outcome == "continue")
                    {
                        trace.Response = new TraceMessage { Status = 503, Body = "no member available" };
                    }
                    return;
                }
                if (_conn.Response is not null)
                {
                    LocalResponse();
                    return;
                }
                if (Terminal(Step(RuleEvent.ServerConnected)) || Terminal(Step(RuleEvent.HttpRequestSend)))
                {
                    return;
                }
                trace.Request = new TraceMessage
                {
                    Method = ctx.Method,
                    Uri = ctx.Uri,
                    Headers = ((HeaderList)ctx.RequestHeaders).ToDictionary(),
                    Body = Encoding.UTF8.GetString(ctx.RequestBody.Span),
                };
                if (Terminal(Step(RuleEvent.HttpRequestRelease)))
                {
                    return;
                }
                var response = sample.Response ?? new SampleResponse();
                ctx.Status = response.Status;
                ctx.Reason = response.Reason;
                ctx.ResponseList = HeaderList.From(response.Headers);
                ctx.ResponseBody = Encoding.UTF8.GetBytes(response.Body);
                ctx.RetryRequested = false;
                status = Step(RuleEvent.HttpResponse);
                if (Terminal(status))
                {
                    return;
                }
                if (ctx.RetryRequested && attempt < MaxRetries)
                {
                    ctx.Selected = null;
                    continue;
                }
                if (status != RuleStatus.Responded && ctx.ResponseCollect is { } rmax)
                {
                    ctx.ResponseBody = ctx.ResponseBody[..Math.Min(rmax, ctx.ResponseBody.Length)];
                    status = Step(RuleEvent.HttpResponseData);
                    if (Terminal(status))
                    {
                        return;
                    }
                }
                if (status == RuleStatus.Responded)
                {
                    LocalResponse();
                    return;
                }
                Step(RuleEvent.HttpResponseRelease);
                trace.Response = new TraceMessage
                {
                    Status = ctx.Status,
                    Headers = ctx.ResponseList.ToDictionary(),
                    Body = Encoding.UTF8.GetString(ctx.ResponseBody.Span),
                };
                return;
            }
        }

        /// <summary>Picks a member as the proxy would: LB_SELECTED when one is up, LB_FAILED when none. False when nothing was picked.</summary>
        private bool Balance()
        {
            for (var tries = 0; tries < 3; tries++)
            {
                ctx.ReselectRequested = false;
                // A member the rule named outside every pool is a node: no pool (the proxy names it "-").
                var pool = ctx.ChosenPool ?? (ctx.ChosenMember is null ? sample.Pool ?? "default" : null);
                string? member = null;
                if (ctx.ChosenMember is { } chosen && (pool is null || ctx.Members(pool)?.Any(m => $"{m.Address}:{m.Port}" == chosen && m.Up) == true))
                {
                    member = chosen;
                }
                else if (pool is not null)
                {
                    var members = ctx.Members(pool) ?? (pool == "default" ? [new SampleMember()] : []);
                    member = members.FirstOrDefault(m => m.Up) is { } up ? $"{up.Address}:{up.Port}" : null;
                }
                trace.Pool = pool ?? "-";
                if (member is null)
                {
                    var before = (ctx.ChosenPool, ctx.ChosenMember);
                    if (Terminal(Step(RuleEvent.LbFailed)) || _conn.Response is not null)
                    {
                        return false;
                    }
                    if ((ctx.ChosenPool, ctx.ChosenMember) != before || ctx.ReselectRequested)
                    {
                        continue;
                    }
                    return false;
                }
                trace.Member = member;
                ctx.Selected = $"{pool ?? "-"} {member}";
                var colon = member.LastIndexOf(':');
                ctx.Server = new IPEndPoint(IPAddress.Parse(member[..colon].Trim('[', ']')), int.Parse(member[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                if (Terminal(Step(RuleEvent.LbSelected)))
                {
                    return false;
                }
                if (!ctx.ReselectRequested)
                {
                    return true;
                }
            }
            return false;
        }

        private void LocalResponse()
        {
            var local = _conn.Response!;
            ctx.Status = local.Status;
            ctx.Reason = "";
            ctx.ResponseList = new HeaderList(local.Headers);
            ctx.ResponseBody = local.Body;
            Step(RuleEvent.HttpResponseRelease);
            trace.Response = new TraceMessage
            {
                Status = ctx.Status,
                Headers = ctx.ResponseList.ToDictionary(),
                Body = Encoding.UTF8.GetString(local.Body),
            };
        }

        private void Finish()
        {
            Step(RuleEvent.ClientClosed, record: trace.Outcome != "error");
            if (ctx.Server is not null)
            {
                Step(RuleEvent.ServerClosed, record: trace.Outcome != "error");
            }
            trace.Persistence = ctx.PersistenceChoice;
            trace.HashKey = ctx.ChosenHashKey;
            if (ctx.ClientReceived.Length > 0)
            {
                trace.ClientReceived = ctx.ClientReceived.ToString();
            }
            if (ctx.ServerReceived.Length > 0)
            {
                trace.ServerReceived = ctx.ServerReceived.ToString();
            }
            if (trace.Outcome == "continue" && trace.Response?.Status is { } s && _conn.Response is not null && s == _conn.Response.Status)
            {
                trace.Outcome = "responded";
            }
        }

        private static bool Terminal(RuleStatus s) => s is RuleStatus.Dropped or RuleStatus.Rejected or RuleStatus.Closed or RuleStatus.Error;

        private RuleStatus Step(RuleEvent e, bool record = true)
        {
            ctx.ServerSide = e is RuleEvent.ServerConnected or RuleEvent.ServerData;
            if (!set.Handles(e))
            {
                return set.Dispatch(_conn, e).Status;
            }
            _current = new TraceEvent { Event = RuleEvents.Name(e) };
            var start = Stopwatch.GetTimestamp();
            var result = set.Dispatch(_conn, e);
            _current.Micros = Math.Round(Stopwatch.GetElapsedTime(start).TotalMicroseconds, 1);
            if (record)
            {
                trace.Events.Add(_current);
            }
            _current = null;
            switch (result.Status)
            {
                case RuleStatus.Error when trace.Error is null:
                    var error = result.Error!;
                    trace.Error = new TraceError(error.Message, error.Line, error.Column, error.Event);
                    trace.Outcome = "error";
                    break;
                case RuleStatus.Dropped or RuleStatus.Rejected or RuleStatus.Closed when trace.Outcome == "continue":
                    trace.Outcome = result.Status.ToString().ToLowerInvariant();
                    break;
                case RuleStatus.Responded:
                    trace.Outcome = "responded";
                    break;
            }
            return result.Status;
        }

        void IRuleTrace.Call(string name, JsValue[] args) =>
            _current?.Calls.Add(new TraceCall(name, [.. args.Select(Node)]));

        void IRuleTrace.Log(string level, string message) => _current?.Logs.Add(new TraceLog(level, message));

        private static JsonNode? Node(JsValue v) => Node(v, 0, new int[1]);

        /// <summary>A bounded copy of an argument for the trace: depth 4, 200 values, strings cut at 1000 characters.</summary>
        private static JsonNode? Node(JsValue v, int depth, int[] budget)
        {
            if (++budget[0] > 200)
            {
                return JsonValue.Create("…");
            }
            switch (v)
            {
                case JsString s:
                    var text = s.ToString();
                    return JsonValue.Create(text.Length > 1000 ? text[..1000] + "…" : text);
                case JsNumber n:
                    var d = n.AsNumber();
                    return double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture));
                case JsBoolean b:
                    return JsonValue.Create(b.AsBoolean());
                case JsArray a when depth < 4:
                    var array = new JsonArray();
                    for (uint i = 0; i < Math.Min(a.Length, 50u); i++)
                    {
                        array.Add(Node(a.Get(i), depth + 1, budget));
                    }
                    return array;
                case Jint.Native.Object.ObjectInstance o when depth < 4 && !o.IsCallable():
                    var obj = new JsonObject();
                    foreach (var key in o.GetOwnPropertyKeys(Jint.Runtime.Types.String).Take(50))
                    {
                        obj[key.ToString()] = Node(o.Get(key), depth + 1, budget);
                    }
                    return obj;
                case Jint.Native.Object.ObjectInstance:
                    return JsonValue.Create("[object]");
                default:
                    return null;
            }
        }
    }
}
