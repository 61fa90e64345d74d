using Acornima;
using Acornima.Ast;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Host;

namespace Fulcrum.Scripting.Compilation;

/// <summary>
/// Walks a rule's syntax tree: checks each top-level <c>when(...)</c> (event name, options, handler), every
/// <c>ctx.*</c> member a handler uses against the event it handles, and collects names used by literal.
/// </summary>
internal sealed class RuleAnalyzer
{
    private const int MaxDiagnostics = 50;

    private readonly List<RuleDiagnostic> _diagnostics = [];
    private readonly List<RuleEvent> _events = [];
    private readonly List<RuleReference> _pools = [];
    private readonly List<RuleReference> _dataGroups = [];
    private readonly List<string> _topLevel = [];
    private readonly Dictionary<string, FunctionDeclaration> _functions = new(StringComparer.Ordinal);
    private RuleReference? _httpUse;
    private RuleReference? _l4Use;
    private RuleReference? _sslEventUse;
    private RuleReference? _serverSslEventUse;
    private RuleReference? _dnsUse;
    private RuleReference? _connectionUse;
    private RuleLimits _limits = RuleLimits.Default;

    public static RuleAnalysis Analyze(Script script)
    {
        var a = new RuleAnalyzer();
        a.Run(script);
        return new RuleAnalysis(a._diagnostics, [.. a._events.Distinct().Order()], a._pools, a._dataGroups, a._httpUse, a._l4Use, a._limits, a._topLevel) { SslEventUse = a._sslEventUse, ServerSslEventUse = a._serverSslEventUse, DnsUse = a._dnsUse, ConnectionUse = a._connectionUse };
    }

    private void Run(Script script)
    {
        foreach (var statement in script.Body)
        {
            if (statement is FunctionDeclaration { Id: { } id } f)
            {
                _functions[id.Name] = f;
            }
        }
        var handlers = 0;
        foreach (var statement in script.Body)
        {
            switch (statement)
            {
                case ExpressionStatement { Expression: CallExpression { Callee: Identifier { Name: "when" } } call }:
                    handlers++;
                    When(call);
                    break;
                case ExpressionStatement { Expression: CallExpression { Callee: Identifier { Name: "limits" } } call }:
                    Limits(call);
                    break;
                case VariableDeclaration { Kind: VariableDeclarationKind.Const } v:
                    foreach (var d in v.Declarations)
                    {
                        CollectNames(d.Id);
                    }
                    Walk(statement, null, null);
                    break;
                case VariableDeclaration v:
                    Add(v, $"top-level '{(v.Kind == VariableDeclarationKind.Var ? "var" : "let")}' would be state of one engine, shared by unrelated connections; use const, statics (set in RULE_INIT), ctx.vars, ctx.req or table");
                    break;
                case FunctionDeclaration { Id: { } id }:
                    _topLevel.Add(id.Name);
                    Walk(statement, null, null);
                    break;
                case ClassDeclaration { Id: { } id }:
                    _topLevel.Add(id.Name);
                    Walk(statement, null, null);
                    break;
                default:
                    Walk(statement, null, null);
                    break;
            }
        }
        if (_l4Use is { } l4 && _httpUse is { } http)
        {
            Add(l4.Line, l4.Column, $"{l4.Name} runs only on virtual servers without an http profile, and {http.Name} (line {http.Line}) only on those with one: no virtual server can run this rule; make it two rules");
        }
        if (_dnsUse is { } dns && _connectionUse is { } conn)
        {
            Add(dns.Line, dns.Column, $"{dns.Name} runs only on dns virtual servers, and {conn.Name} (line {conn.Line}) only on the others: no virtual server can run this rule; make it two rules");
        }
        if (handlers == 0)
        {
            Add(1, 1, "the rule registers no handler; call when('HTTP_REQUEST', ctx => { ... }) at the top level");
        }
    }

    private void CollectNames(Node pattern)
    {
        switch (pattern)
        {
            case Identifier i:
                _topLevel.Add(i.Name);
                break;
            default:
                foreach (var child in pattern.ChildNodes)
                {
                    if (child is Identifier or ObjectPattern or ArrayPattern or AssignmentPattern or RestElement or Property)
                    {
                        CollectNames(child is Property p ? p.Value : child is AssignmentPattern ap ? ap.Left : child);
                    }
                }
                break;
        }
    }

    private void When(CallExpression call)
    {
        var args = call.Arguments;
        if (args.Count is < 2 or > 3)
        {
            Add(call, "when(EVENT, handler) or when(EVENT, {priority: N}, handler) takes 2 or 3 arguments");
            return;
        }
        if (args[0] is not StringLiteral name)
        {
            Add(args[0], "the event name must be a string literal such as 'HTTP_REQUEST'");
            return;
        }
        if (!RuleEvents.TryParse(name.Value, out var e))
        {
            Add(args[0], $"unknown event '{name.Value}'; events are: {string.Join(", ", RuleEvents.AllNames)}");
            return;
        }
        _events.Add(e);
        if ((RuleEvents.HttpOnly & RuleEvents.Bit(e)) != 0)
        {
            _httpUse ??= Ref($"the {name.Value} handler", args[0]);
        }
        if (e is RuleEvent.ClientSslClientHello or RuleEvent.ClientSslHandshake)
        {
            _sslEventUse ??= Ref($"the {name.Value} handler", args[0]);
        }
        if (e is RuleEvent.ServerSslHandshake)
        {
            _serverSslEventUse ??= Ref($"the {name.Value} handler", args[0]);
        }
        if (RuleEvents.In(RuleEvents.L4Only, e))
        {
            _l4Use ??= Ref($"the {name.Value} handler", args[0]);
        }
        if (RuleEvents.In(RuleEvents.DnsOnly, e))
        {
            _dnsUse ??= Ref($"the {name.Value} handler", args[0]);
        }
        else if (RuleEvents.In(RuleEvents.Connection, e))
        {
            _connectionUse ??= Ref($"the {name.Value} handler", args[0]);
        }
        if (args.Count == 3)
        {
            Options(args[1]);
        }
        var handler = args[^1];
        IFunction? function = handler switch
        {
            ArrowFunctionExpression a => a,
            FunctionExpression f => f,
            Identifier id when _functions.TryGetValue(id.Name, out var fd) => fd,
            _ => null,
        };
        if (function is null)
        {
            Add(handler, "the handler must be a function: an arrow function, a function expression, or the name of a top-level function");
            return;
        }
        if (function.Async || function.Generator)
        {
            Add(handler, "handlers run to completion; async and generator functions are not allowed");
        }
        string? ctxName = function.Params.Count > 0 && function.Params[0] is Identifier p ? p.Name : null;
        if (e == RuleEvent.RuleInit && ctxName is not null)
        {
            Add(function.Params[0], "RULE_INIT runs before any traffic and gets no ctx; fill statics instead");
            ctxName = null;
        }
        Walk((Node)function.Body, ctxName, e);
    }

    private void Options(Node node)
    {
        if (node is not ObjectExpression o)
        {
            Add(node, "handler options must be an object literal such as {priority: 100}");
            return;
        }
        foreach (var p in o.Properties)
        {
            if (p is not Property { Key: Identifier { Name: "priority" }, Value: NumericLiteral n } || n.Value is < 0 or > 1000 || n.Value != Math.Floor(n.Value))
            {
                Add(p, "the only handler option is priority: an integer literal from 0 to 1000 (lower runs first; default 500)");
            }
        }
    }

    private void Limits(CallExpression call)
    {
        if (call.Arguments.Count != 1 || call.Arguments[0] is not ObjectExpression o)
        {
            Add(call, "limits takes one object literal such as limits({timeMs: 5})");
            return;
        }
        foreach (var p in o.Properties)
        {
            if (p is not Property { Key: Identifier key, Value: NumericLiteral n } || !RuleLimits.FieldNames.Contains(key.Name))
            {
                Add(p, $"limits fields are {string.Join(", ", RuleLimits.FieldNames)}, each a number literal");
                continue;
            }
            var (min, max) = RuleLimits.Range(key.Name);
            if (n.Value < min || n.Value > max || n.Value != Math.Floor(n.Value))
            {
                Add(p, $"{key.Name} must be an integer from {min} to {max}");
                continue;
            }
            _limits = _limits.With(key.Name, (int)n.Value);
        }
    }

    /// <summary>Walks a subtree; inside a handler, checks <c>ctx.*</c> uses against the event.</summary>
    private void Walk(Node node, string? ctx, RuleEvent? e)
    {
        switch (node)
        {
            case CallExpression { Callee: Identifier { Name: "when" or "limits" } } inner:
                Add(inner, $"{((Identifier)inner.Callee).Name}() must be called at the top level of the rule, not inside other code");
                return;
            case CallExpression { Callee: Identifier { Name: "dataGroup" }, Arguments.Count: > 0 } dg when dg.Arguments[0] is StringLiteral s:
                _dataGroups.Add(Ref(s.Value, s));
                break;
            case AssignmentExpression { Left: MemberExpression { Computed: false } left } assign when ctx is not null && Chain(left, ctx) is { } target:
                CheckAssignment(target, left, e!.Value);
                Walk(assign.Right, ctx, e);
                VisitComputed(left, ctx, e);
                return;
            case MemberExpression m when ctx is not null && Chain(m, ctx) is { } chain:
                CheckUse(chain, m, e!.Value);
                VisitComputed(m, ctx, e);
                return;
            case CallExpression { Callee: MemberExpression callee } call when ctx is not null && Chain(callee, ctx) is ["lb", "pool" or "activeMembers"] && call.Arguments.Count > 0 && call.Arguments[0] is StringLiteral pool:
                _pools.Add(Ref(pool.Value, pool));
                break;
            case VariableDeclarator { Id: ObjectPattern pattern, Init: not null } when KeyGuardRewriter.HasRest(pattern):
                WalkCheckedRest(node, pattern, ctx, e);
                return;
            case AssignmentExpression { Left: ObjectPattern pattern } when KeyGuardRewriter.HasRest(pattern):
                WalkCheckedRest(node, pattern, ctx, e);
                return;
            case ObjectPattern pattern when KeyGuardRewriter.HasRest(pattern):
                Add(pattern.Properties[^1], "object rest (...name) is allowed only at the top of a destructuring with a value, as in const {a, ...rest} = value or ({a, ...rest} = value), where the keys it would copy can be checked against the memory limit");
                break;
        }
        foreach (var child in node.ChildNodes)
        {
            Walk(child, ctx, e);
        }
    }

    /// <summary>Walks a declaration or assignment whose object rest the compiler checks (KeyGuardRewriter), past its pattern.</summary>
    private void WalkCheckedRest(Node node, ObjectPattern pattern, string? ctx, RuleEvent? e)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child != pattern)
            {
                Walk(child, ctx, e);
                continue;
            }
            foreach (var inner in pattern.ChildNodes)
            {
                Walk(inner, ctx, e);
            }
        }
    }

    private void VisitComputed(MemberExpression m, string ctx, RuleEvent? e)
    {
        for (Node n = m; n is MemberExpression me; n = me.Object)
        {
            if (me.Computed)
            {
                Walk(me.Property, ctx, e);
            }
        }
    }

    /// <summary>The property names of <c>ctx.a.b.c</c> (["a","b","c"]), up to the first computed access; null when not rooted at ctx.</summary>
    private static string[]? Chain(MemberExpression m, string ctx)
    {
        var names = new List<string>();
        Node n = m;
        while (n is MemberExpression me)
        {
            if (me.Computed)
            {
                names.Clear();
            }
            else if (me.Property is Identifier id)
            {
                names.Add(id.Name);
            }
            n = me.Object;
        }
        if (n is not Identifier root || root.Name != ctx || names.Count == 0)
        {
            return null;
        }
        names.Reverse();
        return [.. names];
    }

    private void CheckUse(string[] chain, Node at, RuleEvent e)
    {
        var first = chain[0];
        if (!HostApi.Members.ContainsKey(first))
        {
            if (!HostApi.ObjectNames.Contains(first))
            {
                Add(at, $"ctx.{first} does not exist");
            }
            return;
        }
        var path = first;
        if (!RuleEvents.In(HostApi.Members[first], e))
        {
            Add(at, HostApi.NotAvailable(first, e, HostApi.Members[first]));
            return;
        }
        if (chain.Length > 1 && HostApi.ClosedNamespaces.Contains(first))
        {
            var sub = first + "." + chain[1];
            if (HostApi.Members.ContainsKey(sub))
            {
                path = sub;
            }
            else if (!HostApi.ObjectNames.Contains(chain[1]))
            {
                Add(at, $"ctx.{sub} does not exist");
                return;
            }
        }
        if (first == "http")
        {
            _httpUse ??= Ref("ctx.http", at);
        }
        var mask = HostApi.Members[path];
        if (!RuleEvents.In(mask, e))
        {
            Add(at, HostApi.NotAvailable(path, e, mask) + Hint(path));
        }
    }

    private void CheckAssignment(string[] chain, Node at, RuleEvent e)
    {
        var path = string.Join('.', chain);
        if (chain[0] is "vars" or "req")
        {
            CheckUse(chain, at, e);
            return;
        }
        if (!HostApi.Setters.TryGetValue(path, out var mask))
        {
            Add(at, $"ctx.{path} cannot be assigned");
            return;
        }
        CheckUse(chain, at, e);
        if (!RuleEvents.In(mask, e) && RuleEvents.In(HostApi.Members.GetValueOrDefault(path), e))
        {
            Add(at, $"ctx.{path} cannot be assigned in {RuleEvents.Name(e)}; it may be assigned in: {RuleEvents.Describe(mask)}");
        }
    }

    private static string Hint(string path) => path == "http.body"
        ? "; call ctx.http.collect() in HTTP_REQUEST or HTTP_RESPONSE and read the body in the _DATA event"
        : "";

    private RuleReference Ref(string name, Node at) => new(name, at.Location.Start.Line, at.Location.Start.Column + 1);

    private void Add(Node at, string message) => Add(at.Location.Start.Line, at.Location.Start.Column + 1, message);

    private void Add(int line, int column, string message)
    {
        if (_diagnostics.Count < MaxDiagnostics && !_diagnostics.Any(d => d.Line == line && d.Column == column && d.Message == message))
        {
            _diagnostics.Add(new RuleDiagnostic(message, line, column));
        }
    }
}
