using System.Net;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Host;
using Jint.Native;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// The rule engine's state for one client connection: the rule set it runs (held for its whole life, so a new rule
/// version never changes a connection midway), <c>ctx.vars</c>, the request scope <c>ctx.req</c>, and the local response
/// a rule made. One event is dispatched at a time per connection.
/// </summary>
public sealed class RuleConnection
{
    private JsString? _clientIp;
    private JsString? _localIp;
    private JsString? _serverIp;
    private IPEndPoint? _serverFor;
    private RequestScope? _scope;

    internal RuleConnection(RuleSet set, IRuleEventContext context, string id)
    {
        RuleSet = set;
        Context = context;
        Id = id;
        IdJs = new JsString(id);
    }

    public RuleSet RuleSet { get; }

    public IRuleEventContext Context { get; }

    /// <summary><c>ctx.id</c>: unique per connection in this process.</summary>
    public string Id { get; }

    /// <summary>The local response a rule made for the current request (status <see cref="RuleStatus.Responded"/>), else null.</summary>
    public LocalResponse? Response => Request?.Response;

    /// <summary>True while a request is in flight (from HTTP_REQUEST to HTTP_RESPONSE_RELEASE).</summary>
    public bool InRequest => Request is not null;

    internal JsString IdJs { get; }

    internal ScopeValues Vars { get; } = new();

    internal RequestScope? Request { get; set; }

    /// <summary>Starts the scope of a new request (HTTP_REQUEST); the connection's one scope object is emptied and reused.</summary>
    internal void BeginRequest()
    {
        _scope ??= new RequestScope();
        _scope.Reset();
        Request = _scope;
    }

    /// <summary>Set by the test bench to record every host call and log line.</summary>
    internal IRuleTrace? Trace { get; set; }

    // Per dispatch, written by the engine while it runs this connection's event.
    internal RuleStatus Status;
    internal bool StopRequested;

    internal JsString ClientIp => _clientIp ??= new JsString(Format(Context.Client.Address));

    internal JsString LocalIp => _localIp ??= new JsString(Format(Context.Local.Address));

    internal JsString? ServerIp
    {
        get
        {
            var server = Context.Server;
            if (server is null)
            {
                return null;
            }
            if (!ReferenceEquals(server, _serverFor))
            {
                _serverFor = server;
                _serverIp = new JsString(Format(server.Address));
            }
            return _serverIp;
        }
    }

    private static string Format(IPAddress a) => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString();
}

/// <summary>State of one HTTP request, kept across <c>retry()</c>.</summary>
internal sealed class RequestScope
{
    private ScopeValues? _vars;

    public ScopeValues Vars => _vars ??= new();

    public LocalResponse? Response { get; set; }

    /// <summary>Where the response was made (<c>line:column</c>), to name both sites on a second respond.</summary>
    public string? RespondSite { get; set; }

    public string? RespondRule { get; set; }

    /// <summary>Where <c>retry()</c> was called for the response being handled (<c>line:column</c>); null when not.</summary>
    public string? RetrySite { get; set; }

    public void Reset()
    {
        _vars?.Clear();
        Response = null;
        RespondSite = null;
        RespondRule = null;
        RetrySite = null;
    }
}
