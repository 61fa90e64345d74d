using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.DataGroups;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Host;
using Fulcrum.Scripting.State;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Fulcrum.Scripting.Runtime;

/// <summary>The globals a rule sees besides ctx: when, limits, statics, table, limiter, dataGroup, log, crypto, url.</summary>
internal sealed partial class RuleEngine
{
    private readonly Dictionary<string, ObjectInstance> _subtables = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, double, double), ObjectInstance> _limiters = [];
    private readonly Dictionary<IRuleDataGroup, ObjectInstance> _groups = new(ReferenceEqualityComparer.Instance);

    private void InstallGlobals(string? statics)
    {
        var g = Js.Global;
        g.FastSetDataProperty("when", new ClrFunction(Js, "when", (_, a) => When(a), 3));
        g.FastSetDataProperty("limits", new ClrFunction(Js, "limits", (_, _) => JsValue.Undefined, 1));
        g.FastSetDataProperty("statics", statics is null ? new JsObject(Js) : ParseJson(statics));
        g.FastSetDataProperty("table", Table(Program.Runtime.Table, ""));
        g.FastSetDataProperty("limiter", Fn("limiter", 2, Limiter));
        g.FastSetDataProperty("dataGroup", Fn("dataGroup", 1, DataGroup));
        g.FastSetDataProperty("log", Fn("log", 2, Log));
        g.FastSetDataProperty("crypto", Crypto());
        g.FastSetDataProperty("url", Url());
        var stringPrototype = (ObjectInstance)g.Get("String").Get("prototype");
        stringPrototype.FastSetProperty("inSubnet", new PropertyDescriptor(new ClrFunction(Js, "inSubnet", (t, a) => InSubnet(TypeConverter.ToString(t), Arg(a, 0, "inSubnet(cidr)"))), PropertyFlag.NonEnumerable));
    }

    private JsValue When(JsValue[] a)
    {
        if (!_loading)
        {
            throw TypeError("when() registers handlers while the rule loads; it cannot be called from a handler");
        }
        var name = a.Length > 0 ? TypeConverter.ToString(a[0]) : "";
        if (!RuleEvents.TryParse(name, out var e))
        {
            throw TypeError($"unknown event '{name}'");
        }
        var priority = 500;
        if (a.Length == 3 && a[1] is ObjectInstance options && options.Get("priority") is JsNumber p)
        {
            priority = (int)p.AsNumber();
        }
        var fn = a.Length > 0 ? a[^1] : JsValue.Undefined;
        if (!fn.IsCallable())
        {
            throw TypeError("when(EVENT, handler): the handler must be a function");
        }
        _registered.Add((e, priority, fn));
        return JsValue.Undefined;
    }

    internal string Arg(JsValue[] a, int i, string usage)
    {
        if (a.Length <= i || a[i].IsUndefined() || a[i].IsNull())
        {
            throw TypeError($"{usage}: argument {i + 1} is missing");
        }
        return TypeConverter.ToString(a[i]);
    }

    internal static double Num(JsValue[] a, int i, double fallback) =>
        a.Length > i && !a[i].IsUndefined() && !a[i].IsNull() ? TypeConverter.ToNumber(a[i]) : fallback;

    internal static JsValue Str(string? s) => s is null ? JsValue.Null : new JsString(s);

    // table ---------------------------------------------------------------------------------------------------

    private ObjectInstance Table(RuleTable table, string prefix)
    {
        var o = new JsObject(Js);
        o.FastSetDataProperty("get", Fn("table.get", 1, a => table.Get(prefix + Arg(a, 0, "table.get(key)")) ?? JsValue.Null));
        o.FastSetDataProperty("set", Fn("table.set", 3, a =>
        {
            table.Set(prefix + Arg(a, 0, "table.set(key, value, ttlMs)"), TableValue(a.Length > 1 ? a[1] : JsValue.Undefined), (long)Num(a, 2, 0));
            return JsValue.Undefined;
        }));
        o.FastSetDataProperty("incr", Fn("table.incr", 3, a => table.Incr(prefix + Arg(a, 0, "table.incr(key, by, ttlMs)"), Num(a, 1, 1), (long)Num(a, 2, 0))));
        o.FastSetDataProperty("delete", Fn("table.delete", 1, a => table.Delete(prefix + Arg(a, 0, "table.delete(key)"))));
        if (prefix.Length == 0)
        {
            o.FastSetDataProperty("sub", Fn("table.sub", 1, a =>
            {
                var name = Arg(a, 0, "table.sub(name)");
                if (!_subtables.TryGetValue(name, out var sub))
                {
                    if (_subtables.Count > 256)
                    {
                        _subtables.Clear();
                    }
                    _subtables[name] = sub = Table(table, name + "\u0000");
                    DeepFreeze([sub]);
                }
                return sub;
            }));
        }
        return o;
    }

    private JsValue TableValue(JsValue v) => v switch
    {
        JsString or JsNumber or JsBoolean => v,
        _ when v.IsNull() => v,
        _ => throw TypeError("table values are strings, numbers or booleans; keep objects as JSON.stringify(value)"),
    };

    // limiter -------------------------------------------------------------------------------------------------

    private JsValue Limiter(JsValue[] a)
    {
        var name = Arg(a, 0, "limiter(name, {rate, per})");
        if (a.Length < 2 || a[1] is not ObjectInstance options)
        {
            throw TypeError("limiter(name, {rate, per}): rate per 'per' milliseconds is required");
        }
        var rate = TypeConverter.ToNumber(options.Get("rate"));
        var per = TypeConverter.ToNumber(options.Get("per"));
        if (!(rate >= 1 && rate <= 1e9) || !(per >= 1 && per <= 86_400_000))
        {
            throw RangeError("limiter: rate must be from 1 to 1e9 and per (ms) from 1 to 86400000");
        }
        if (_limiters.TryGetValue((name, rate, per), out var cached))
        {
            return cached;
        }
        var limiter = Program.Runtime.Limiters.Get(name, (int)rate, (long)per);
        var o = new JsObject(Js);
        o.FastSetDataProperty("allow", Fn("limiter.allow", 1, k => limiter.Allow(Arg(k, 0, "allow(key)"))));
        o.FastSetDataProperty("retryAfterMs", Fn("limiter.retryAfterMs", 1, k => limiter.RetryAfterMs(Arg(k, 0, "retryAfterMs(key)"))));
        DeepFreeze([o]);
        if (_limiters.Count > 256)
        {
            _limiters.Clear();
        }
        _limiters[(name, rate, per)] = o;
        return o;
    }

    // dataGroup -----------------------------------------------------------------------------------------------

    private JsValue DataGroup(JsValue[] a)
    {
        var name = Arg(a, 0, "dataGroup(name)");
        var group = Set.DataGroups.Find(name) ?? throw TypeError($"data group '{name}' does not exist");
        if (_groups.TryGetValue(group, out var cached))
        {
            return cached;
        }
        var o = new JsObject(Js);
        o.FastSetDataProperty("match", Fn("dataGroup.match", 1, k => group.Match(Arg(k, 0, "match(key)"))));
        o.FastSetDataProperty("startsWith", Fn("dataGroup.startsWith", 1, k => group.StartsWith(Arg(k, 0, "startsWith(s)"))));
        o.FastSetDataProperty("endsWith", Fn("dataGroup.endsWith", 1, k => group.EndsWith(Arg(k, 0, "endsWith(s)"))));
        o.FastSetDataProperty("contains", Fn("dataGroup.contains", 1, k => group.Contains(Arg(k, 0, "contains(s)"))));
        o.FastSetDataProperty("value", Fn("dataGroup.value", 1, k => Str(group.Value(Arg(k, 0, "value(key)")))));
        DeepFreeze([o]);
        if (_groups.Count > 256)
        {
            _groups.Clear();
        }
        _groups[group] = o;
        return o;
    }

    private static JsValue InSubnet(string ip, string cidr)
    {
        if (!AddressDataGroup.TryParseCidr(cidr, out var net, out var length, out var netV6) || !AddressDataGroup.TryParseCidr(ip, out var address, out _, out var v6) || v6 != netV6)
        {
            return false;
        }
        var bits = v6 ? 128 : 32;
        var mask = length == 0 ? UInt128.Zero : (UInt128.MaxValue << (bits - length)) & (v6 ? UInt128.MaxValue : uint.MaxValue);
        return (address & mask) == (net & mask);
    }

    // log -----------------------------------------------------------------------------------------------------

    private JsValue Log(JsValue[] a)
    {
        string level, message;
        if (a.Length >= 2)
        {
            level = TypeConverter.ToString(a[0]);
            message = TypeConverter.ToString(a[1]);
        }
        else
        {
            level = "info";
            message = a.Length == 1 ? TypeConverter.ToString(a[0]) : "";
        }
        if (level is not ("debug" or "info" or "warn" or "error"))
        {
            throw TypeError("log(level, message): level is debug, info, warn or error");
        }
        if (message.Length > 4096)
        {
            message = message[..4096] + "…";
        }
        _conn?.Trace?.Log(level, message);
        Program.Runtime.Log(Program, _event, _conn, level, message);
        return JsValue.Undefined;
    }

    // crypto --------------------------------------------------------------------------------------------------

    private ObjectInstance Crypto()
    {
        var o = new JsObject(Js);
        o.FastSetDataProperty("sha256", Fn("crypto.sha256", 1, a => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Arg(a, 0, "sha256(s)"))))));
        o.FastSetDataProperty("sha1", Fn("crypto.sha1", 1, a => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Arg(a, 0, "sha1(s)"))))));
        o.FastSetDataProperty("md5", Fn("crypto.md5", 1, a => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Arg(a, 0, "md5(s)"))))));
        o.FastSetDataProperty("hmac", Fn("crypto.hmac", 3, a =>
        {
            var key = Encoding.UTF8.GetBytes(Arg(a, 0, "hmac(key, data, alg)"));
            var data = Encoding.UTF8.GetBytes(Arg(a, 1, "hmac(key, data, alg)"));
            var alg = a.Length > 2 && !a[2].IsUndefined() ? TypeConverter.ToString(a[2]) : "sha256";
            return Convert.ToHexStringLower(alg switch
            {
                "sha256" => HMACSHA256.HashData(key, data),
                "sha1" => HMACSHA1.HashData(key, data),
                "sha512" => HMACSHA512.HashData(key, data),
                _ => throw TypeError("hmac: alg is sha256, sha1 or sha512"),
            });
        }));
        o.FastSetDataProperty("base64Encode", Fn("crypto.base64Encode", 1, a => Convert.ToBase64String(Encoding.UTF8.GetBytes(Arg(a, 0, "base64Encode(s)")))));
        o.FastSetDataProperty("base64Decode", Fn("crypto.base64Decode", 1, a =>
        {
            var s = Arg(a, 0, "base64Decode(s)").Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(s));
            }
            catch (FormatException)
            {
                return JsValue.Null;
            }
        }));
        o.FastSetDataProperty("uuid", Fn("crypto.uuid", 0, _ => Guid.NewGuid().ToString()));
        return o;
    }

    // url -----------------------------------------------------------------------------------------------------

    private ObjectInstance Url()
    {
        var o = new JsObject(Js);
        o.FastSetDataProperty("parse", Fn("url.parse", 1, a =>
        {
            var s = Arg(a, 0, "url.parse(s)");
            var r = new JsObject(Js);
            if (!Uri.TryCreate(s, UriKind.Absolute, out var u) || u.IsFile)
            {
                var (path, query) = Uris.SplitTarget(s);
                r.FastSetDataProperty("scheme", JsValue.Null);
                r.FastSetDataProperty("host", JsValue.Null);
                r.FastSetDataProperty("port", JsValue.Null);
                r.FastSetDataProperty("path", path);
                r.FastSetDataProperty("query", query);
                return r;
            }
            r.FastSetDataProperty("scheme", u.Scheme);
            r.FastSetDataProperty("host", u.Host);
            r.FastSetDataProperty("port", u.Port);
            r.FastSetDataProperty("path", u.AbsolutePath);
            r.FastSetDataProperty("query", u.Query.TrimStart('?'));
            return r;
        }));
        o.FastSetDataProperty("query", Fn("url.query", 1, a => QueryObject(Arg(a, 0, "url.query(s)"))));
        o.FastSetDataProperty("encode", Fn("url.encode", 1, a => Uri.EscapeDataString(Arg(a, 0, "url.encode(s)"))));
        o.FastSetDataProperty("decode", Fn("url.decode", 1, a => Uris.PercentDecode(Arg(a, 0, "url.decode(s)"), plusIsSpace: false)));
        o.FastSetDataProperty("normalizePath", Fn("url.normalizePath", 1, a => Uris.NormalizePath(Arg(a, 0, "url.normalizePath(path)"))));
        return o;
    }

    internal JsObject QueryObject(string query)
    {
        var r = new JsObject(Js);
        foreach (var (name, value) in Uris.ParseQuery(query))
        {
            if (!r.HasOwnProperty(name))
            {
                r.FastSetDataProperty(name, value);
            }
        }
        return r;
    }

    internal static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);
}
