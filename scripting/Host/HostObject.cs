using System.Collections.Frozen;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Fulcrum.Scripting.Host;

/// <summary>One member of a host object: read (and maybe written) through delegates, allowed in some events.</summary>
internal sealed record HostMember(string Name, Func<JsValue> Get, Action<JsValue>? Set = null);

/// <summary>
/// A <c>ctx</c> namespace (<c>ctx.http</c>, <c>ctx.lb</c>…) built once per engine. Reads go straight to the
/// delegates, which read the connection being dispatched; nothing CLR is reachable, no property can be added, changed
/// or deleted except members with a setter, and each member checks it is allowed in the current event.
/// </summary>
internal sealed class HostObject : ObjectInstance
{
    private readonly RuleEngine _owner;
    private readonly string _path;
    private readonly FrozenDictionary<string, (HostMember Member, string Path, uint Mask, uint SetMask)> _members;
    private readonly JsValue[] _keys;
    private readonly (HostMember Member, string Path, uint Mask, uint SetMask)[] _byIndex;
    // Per member, the JsString that last named it. A rule's `ctx.http.path` names members with the same JsString
    // instances (the parsed script's) on every call, so a reference scan over a few slots finds the member before
    // any string is compared; a name made at run time (ctx[name]) misses and is matched by its characters.
    private readonly JsString?[] _seen;

    public HostObject(RuleEngine owner, string path, IEnumerable<HostMember> members) : base(owner.Js)
    {
        _owner = owner;
        _path = path;
        var prefix = path.Length == 0 ? "" : path + ".";
        _members = members.ToFrozenDictionary(m => m.Name, m =>
        {
            var full = prefix + m.Name;
            return (m, full, HostApi.Members.GetValueOrDefault(full, RuleEvents.Traffic), HostApi.Setters.GetValueOrDefault(full));
        }, StringComparer.Ordinal);
        _keys = [.. _members.Keys.Select(k => (JsValue)new JsString(k))];
        _byIndex = [.. _members.Values];
        _seen = new JsString?[_byIndex.Length];
    }

    public override JsValue Get(JsValue property, JsValue receiver)
    {
        if (property is JsString s && Find(s) is var i && i >= 0)
        {
            ref readonly var m = ref _byIndex[i];
            var e = _owner.CurrentEvent;
            if (!RuleEvents.In(m.Mask, e))
            {
                throw _owner.TypeError(HostApi.NotAvailable(m.Path, e, m.Mask));
            }
            return m.Member.Get();
        }
        return JsValue.Undefined;
    }

    private int Find(JsString name)
    {
        var seen = _seen;
        for (var i = 0; i < seen.Length; i++)
        {
            if (ReferenceEquals(seen[i], name))
            {
                return i;
            }
        }
        var key = name.ToString();
        var values = _byIndex;
        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(values[i].Member.Name, key, StringComparison.Ordinal))
            {
                seen[i] = name;
                return i;
            }
        }
        return -1;
    }

    public override bool Set(JsValue property, JsValue value, JsValue receiver)
    {
        var name = property.ToString();
        if (_members.TryGetValue(name, out var m) && m.Member.Set is { } set)
        {
            var e = _owner.CurrentEvent;
            if (!RuleEvents.In(m.SetMask, e))
            {
                throw _owner.TypeError($"ctx.{m.Path} cannot be assigned in {RuleEvents.Name(e)}; it may be assigned in: {RuleEvents.Describe(m.SetMask)}");
            }
            set(value);
            return true;
        }
        throw _owner.TypeError($"ctx{(_path.Length > 0 ? "." + _path : "")}.{name} cannot be assigned");
    }

    public override PropertyDescriptor GetOwnProperty(JsValue property) =>
        property is JsString s && _members.ContainsKey(s.ToString())
            ? new PropertyDescriptor(Get(property, this), PropertyFlag.Enumerable)
            : PropertyDescriptor.Undefined;

    /// <summary>The members usable in the current event (so <c>for (k in ctx)</c> never trips a wrong-phase error).</summary>
    public override List<JsValue> GetOwnPropertyKeys(Types types = Types.String | Types.Symbol)
    {
        var e = _owner.CurrentEvent;
        var keys = new List<JsValue>(_keys.Length);
        foreach (var key in _keys)
        {
            if (RuleEvents.In(_members[key.ToString()].Mask, e))
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    public override bool HasProperty(JsValue property) => property is JsString s && _members.ContainsKey(s.ToString());

    public override bool DefineOwnProperty(JsValue property, PropertyDescriptor desc) => false;

    public override bool Delete(JsValue property) => false;

    public override bool PreventExtensions() => true;

    public override bool Extensible => false;

    public override object ToObject() => _path;
}

/// <summary><c>ctx.vars</c> / <c>ctx.req</c>: an open bag of values kept by the host for the connection or request.</summary>
internal sealed class ScopeObject : ObjectInstance
{
    private readonly RuleEngine _owner;
    private readonly Func<ScopeValues> _scope;
    private readonly string _name;

    public ScopeObject(RuleEngine owner, string name, Func<ScopeValues> scope) : base(owner.Js)
    {
        _owner = owner;
        _name = name;
        _scope = scope;
    }

    public override JsValue Get(JsValue property, JsValue receiver)
    {
        if (property is not JsString s)
        {
            return JsValue.Undefined;
        }
        if (!_scope().TryGet(s.ToString(), out var value, out var json))
        {
            return JsValue.Undefined;
        }
        return json is null ? value! : _owner.ParseJson(json);
    }

    public override bool Set(JsValue property, JsValue value, JsValue receiver)
    {
        if (property is not JsString s)
        {
            throw _owner.TypeError($"ctx.{_name} keys are strings");
        }
        var key = s.ToString();
        _owner.TraceCall($"{_name}.set", [property, value]);
        string? error;
        if (value.IsUndefined())
        {
            _scope().Remove(key);
            return true;
        }
        if (value is ObjectInstance o && !o.IsCallable())
        {
            error = _scope().Set(key, null, _owner.StringifyJson(value));
        }
        else if (value.IsCallable() || value.IsSymbol())
        {
            throw _owner.TypeError($"ctx.{_name}.{key}: functions and symbols cannot be kept between events");
        }
        else
        {
            error = _scope().Set(key, value, null);
        }
        if (error is not null)
        {
            throw _owner.RangeError($"ctx.{_name}.{key}: {error}");
        }
        return true;
    }

    public override bool Delete(JsValue property)
    {
        _scope().Remove(property.ToString());
        return true;
    }

    public override PropertyDescriptor GetOwnProperty(JsValue property)
    {
        var v = Get(property, this);
        return v.IsUndefined() ? PropertyDescriptor.Undefined : new PropertyDescriptor(v, PropertyFlag.ConfigurableEnumerableWritable);
    }

    public override List<JsValue> GetOwnPropertyKeys(Types types = Types.String | Types.Symbol) => [.. _scope().Keys.Select(k => (JsValue)new JsString(k))];

    public override bool HasProperty(JsValue property) => property is JsString s && _scope().TryGet(s.ToString(), out _, out _);

    public override bool DefineOwnProperty(JsValue property, PropertyDescriptor desc) => false;

    public override bool PreventExtensions() => false;

    public override object ToObject() => _name;
}
