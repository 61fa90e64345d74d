using System.Net;
using System.Text;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.DataPlane.Transport;
using Fulcrum.Appliance.Http;
using Fulcrum.Appliance.Stats;
using RuleStatus = Fulcrum.Scripting.Runtime.RuleStatus;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.DataPlane.Rules;

/// <summary>
/// One client connection as its rules see it: the contracts (<c>ctx</c>) implemented over the proxy's own objects
/// (the parsed heads, the balancing state), the rule connection, and what the rules decided
/// (<see cref="Verdict"/>, the pool or member for this request, header and body edits). Created at CLIENT_ACCEPTED by
/// <see cref="RuleEventSink"/>; the protocol code asks it at each event point. Split by concern: <c>.Http.cs</c>,
/// <c>.Balancing.cs</c>, <c>.Tcp.cs</c>.
/// </summary>
public sealed partial class RuleSession : IRuleEventContext
{
    private readonly ProxyContext _ctx;
    private readonly BalancingState _balancing;
    private readonly DataPlaneCounters _counters;
    private LocalResponse? _errorResponse;
    private ProxySide? _serverConnecting;

    internal RuleSession(ProxyContext ctx, RuleSet set, BalancingState balancing, DataPlaneCounters counters)
    {
        _ctx = ctx;
        Set = set;
        _balancing = balancing;
        _counters = counters;
        Connection = set.Open(this);
    }

    public RuleSet Set { get; }

    public RuleConnection Connection { get; }

    /// <summary>What the rules decided at the last event that decided something.</summary>
    public RuleVerdict Verdict { get; private set; }

    /// <summary>The response to send for a <see cref="RuleVerdict.Respond"/>: the rule's, or the error answer (ruleErrorStatus).</summary>
    public LocalResponse? PendingResponse => _errorResponse ?? Connection.Response;

    /// <summary>Handler failures on this connection (each is also counted per rule and logged by the runtime).</summary>
    public int Errors { get; private set; }

    public bool Handles(RuleEvent e) => Set.Handles(e);

    /// <summary>Runs the handlers of <paramref name="e"/> and turns the outcome into what the proxy does next.</summary>
    public ProxyEventStatus Dispatch(RuleEvent e)
    {
        SelectTcp(e);
        var result = Set.Dispatch(Connection, e);
        switch (result.Status)
        {
            case RuleStatus.Responded:
                Verdict = RuleVerdict.Respond;
                return ProxyEventStatus.Responded;
            case RuleStatus.Dropped:
            case RuleStatus.Closed:
                Verdict = RuleVerdict.Close;
                return ProxyEventStatus.Close;
            case RuleStatus.Rejected:
                Verdict = RuleVerdict.Reset;
                return ProxyEventStatus.Reset;
            case RuleStatus.Error:
                Errors++;
                if (e is RuleEvent.ClientClosed or RuleEvent.ServerClosed)
                {
                    return ProxyEventStatus.Continue;
                }
                var status = _ctx.Plan.Http?.RuleErrorStatus ?? 0;
                if (_req is not null && status != 0 && !_responseStarted)
                {
                    _errorResponse = new LocalResponse { Status = status, Body = Encoding.ASCII.GetBytes(status + " " + Reasons.Of(status) + "\n") };
                    _errorResponse.Headers.Add(new("Content-Type", "text/plain"));
                    _errorResponse.Headers.Add(new("Cache-Control", "no-store"));
                    _closeAfterResponse = true;
                    Verdict = RuleVerdict.Respond;
                    return ProxyEventStatus.Responded;
                }
                Verdict = RuleVerdict.Reset;
                return ProxyEventStatus.Reset;
            default:
                return ProxyEventStatus.Continue;
        }
    }

    // IRuleEventContext
    public string VirtualServer => _ctx.Plan.Name;

    public IPEndPoint Client => _ctx.ClientEndPoint;

    public IPEndPoint Local => _ctx.LocalEndPoint;

    public IPEndPoint? Server => _ctx.Server is not null || _serverConnecting is not null ? _ctx.Member?.EndPoint : null;

    /// <summary>
    /// SERVER_CONNECTED and SERVERSSL_HANDSHAKE run before the proxy adopts the new connection: ctx.server must show it
    /// already. Null once they ran.
    /// </summary>
    internal void ServerConnecting(ProxySide? connecting) => _serverConnecting = connecting;

    public IRuleServerSsl? ServerSsl
    {
        get
        {
            if ((_serverConnecting ?? _ctx.Server)?.Stream is not Tls.ServerTlsStream tls)
            {
                return null;
            }
            // One member connection at a time; a new one (reselect, OneConnect) gets its own facts.
            if (_serverSsl?.Stream != tls)
            {
                _serverSsl = new Tls.ServerTlsRuleFacts(tls);
            }
            return _serverSsl;
        }
    }

    private Tls.ServerTlsRuleFacts? _serverSsl;

    public IRuleHttp? Http => _req is null ? null : this;

    public IRuleTcp Tcp => this;

    public IRuleBalancer Balancer => this;

    public IRulePersistence Persistence => this;

    public IRuleSsl? Ssl => _ssl ??= _ctx.ClientTls is { } tls ? new Tls.TlsRuleFacts(tls) : null;

    private IRuleSsl? _ssl;
}

/// <summary>What the proxy must do after a rule event (beyond going on).</summary>
public enum RuleVerdict : byte
{
    None,
    /// <summary>Send <see cref="RuleSession.PendingResponse"/> instead of forwarding, after HTTP_RESPONSE_RELEASE.</summary>
    Respond,
    /// <summary>Flush what was sent to the client and close (drop, tcp close).</summary>
    Close,
    /// <summary>Reset the client connection (reject, or a rule error where no answer can be given).</summary>
    Reset,
}
