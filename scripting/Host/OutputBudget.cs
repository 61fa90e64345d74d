using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Scripting.Host;

/// <summary>
/// Estimates, before the native call allocates it, how long a <c>join</c> or <c>JSON.stringify</c> result would be,
/// walking the values as the call would (shared sub-arrays counted each time they appear) and stopping as soon as the
/// estimate passes the cap. A self-sharing nested array costs at most the cap's worth of visits, not its 2^n expansion.
/// </summary>
internal sealed class OutputBudget
{
    private readonly RuleEngine _owner;
    private readonly int _cap;
    private readonly long _maxParts;
    private int _visits;

    private int MaxVisits => Math.Max(10_000, _cap / 64);

    public OutputBudget(RuleEngine owner, int cap, long maxParts)
    {
        _owner = owner;
        _cap = cap;
        _maxParts = maxParts;
    }

    /// <summary><c>budget.join(array, separator)</c>.</summary>
    public JsValue Join(JsValue thisObj, JsValue[] args)
    {
        if (args.Length == 0 || args[0] is not ObjectInstance o)
        {
            return JsValue.Undefined;
        }
        var length = (long)Math.Min(TypeConverter.ToNumber(o.Get("length")), long.MaxValue);
        var sep = args.Length > 1 && !args[1].IsUndefined() ? TypeConverter.ToString(args[1]).Length : 1;
        long total = length > 0 ? (length - 1) * sep : 0;
        if (total > _cap)
        {
            throw TooBig("join", total);
        }
        for (long i = 0; i < length; i++)
        {
            var v = o.Get((uint)i);
            total += v switch
            {
                JsString s => s.Length,
                JsNumber => 24,
                _ => 0,
            };
            if (total > _cap)
            {
                throw TooBig("join", total);
            }
        }
        return JsValue.Undefined;
    }

    /// <summary>
    /// <c>budget.encoded(string, kind)</c>: the exact length <c>encodeURIComponent</c> ("component"), <c>encodeURI</c>
    /// ("uri") or <c>escape</c> ("escape") would make, refused past the cap. Up to 9 characters per input character (a
    /// 3-byte UTF-8 sequence, percent-encoded), so a few nested calls would otherwise grow a capped string past a gigabyte.
    /// </summary>
    public JsValue Encoded(JsValue thisObj, JsValue[] args)
    {
        var text = args.Length > 0 ? TypeConverter.ToString(args[0]) : "undefined";
        var kind = args.Length > 1 ? TypeConverter.ToString(args[1]) : "component";
        long total = 0;
        var escape = kind == "escape";
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (escape)
            {
                total += EscapeKeeps(c) ? 1 : c < 256 ? 3 : 6;
            }
            else if (UriKeeps(c, kind == "uri"))
            {
                total += 1;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                total += 12; // four UTF-8 bytes for the pair
                i++;
            }
            else
            {
                total += c < 0x80 ? 3 : c < 0x800 ? 6 : 9;
            }
        }
        if (total > _cap)
        {
            throw TooBig(kind == "escape" ? "escape" : kind == "uri" ? "encodeURI" : "encodeURIComponent", total);
        }
        return JsValue.Undefined;
    }

    private static bool EscapeKeeps(char c) => char.IsAsciiLetterOrDigit(c) || c is '@' or '*' or '_' or '+' or '-' or '.' or '/';

    private static bool UriKeeps(char c, bool reservedToo) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')'
        || (reservedToo && c is ';' or '/' or '?' or ':' or '@' or '&' or '=' or '+' or '$' or ',' or '#');

    /// <summary>
    /// <c>budget.raw(template, substitutions)</c>: the length <c>String.raw</c> would make from the strings it is given
    /// (other values are converted by script, which the memory limit sees), refused past the cap or past the array limit.
    /// </summary>
    public JsValue Raw(JsValue thisObj, JsValue[] args)
    {
        if (args.Length == 0 || args[0] is not ObjectInstance template || template.Get("raw") is not ObjectInstance raw)
        {
            return JsValue.Undefined;
        }
        var subs = args.Length > 1 ? args[1] as ObjectInstance : null;
        var length = (long)Math.Min(TypeConverter.ToNumber(raw.Get("length")), long.MaxValue);
        var subCount = subs is null ? 0 : (long)TypeConverter.ToNumber(subs.Get("length"));
        if (length > _maxParts)
        {
            throw _owner.RangeError($"String.raw would join more than {_maxParts} parts");
        }
        long total = 0;
        for (long i = 0; i < length; i++)
        {
            total += Estimate(raw.Get((uint)i));
            if (i + 1 < length && i < subCount)
            {
                total += Estimate(subs!.Get((uint)i));
            }
            if (total > _cap)
            {
                throw TooBig("String.raw", total);
            }
        }
        return JsValue.Undefined;
    }

    private static long Estimate(JsValue v) => v switch
    {
        JsString s => s.Length,
        JsNumber => 24,
        _ when v.IsUndefined() => 9,
        _ => 0,
    };

    public JsValue Json(JsValue thisObj, JsValue[] args)
    {
        var value = args.Length > 0 ? args[0] : JsValue.Undefined;
        var replacer = args.Length > 1 && args[1].IsCallable() ? args[1] : null;
        var indent = args.Length > 2 ? args[2] switch
        {
            JsNumber n => (int)Math.Clamp(n.AsNumber(), 0, 10),
            JsString s => Math.Min(s.Length, 10),
            _ => 0,
        } : 0;
        long total = 0;
        _visits = 0;
        var path = new HashSet<ObjectInstance>();
        Walk(JsString.Empty, value, replacer, indent, 0, ref total, path, null);
        return JsValue.Undefined;
    }

    private void Walk(JsValue key, JsValue value, JsValue? replacer, int indent, int depth, ref long total, HashSet<ObjectInstance> path, ObjectInstance? holder)
    {
        if (value is ObjectInstance withToJson && withToJson.Get("toJSON") is { } toJson && toJson.IsCallable())
        {
            value = _owner.Js.Call(toJson, value, [key]);
        }
        if (replacer is not null)
        {
            value = _owner.Js.Call(replacer, holder ?? (JsValue)JsValue.Undefined, [key, value]);
        }
        switch (value)
        {
            case JsString s:
                total += JsonLength(s.ToString());
                break;
            case JsNumber or JsBoolean:
                total += 24;
                break;
            case ObjectInstance o when !o.IsCallable():
                if (!path.Add(o))
                {
                    return; // a cycle: the real call throws TypeError
                }
                total += 2;
                if (o.IsArray())
                {
                    var length = (long)TypeConverter.ToNumber(o.Get("length"));
                    for (long i = 0; i < length; i++)
                    {
                        total += 1 + indent * (depth + 1) + (indent > 0 ? 1 : 0);
                        Check(total);
                        Walk(new JsString(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), o.Get((uint)i), replacer, indent, depth + 1, ref total, path, o);
                    }
                }
                else
                {
                    foreach (var k in o.GetOwnPropertyKeys(Types.String))
                    {
                        var d = o.GetOwnProperty(k);
                        if (d == Jint.Runtime.Descriptors.PropertyDescriptor.Undefined || !d.Enumerable)
                        {
                            continue;
                        }
                        total += k.ToString().Length + 4 + indent * (depth + 1);
                        Check(total);
                        Walk(k, o.Get(k), replacer, indent, depth + 1, ref total, path, o);
                    }
                }
                path.Remove(o);
                break;
            default:
                total += 4;
                break;
        }
        Check(total);
    }

    /// <summary>The quoted, escaped length: control characters and lone surrogates take six characters, quote and backslash two.</summary>
    private static long JsonLength(string s)
    {
        var span = s.AsSpan();
        long total = s.Length + 2;
        var i = span.IndexOfAny(JsonEscaped);
        if (i < 0)
        {
            return total;
        }
        for (; i < span.Length; i++)
        {
            var c = span[i];
            if (c < 0x20)
            {
                total += c is '\b' or '\f' or '\n' or '\r' or '\t' ? 1 : 5;
            }
            else if (c is '"' or '\\')
            {
                total += 1;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                total += 5;
            }
        }
        return total;
    }

    private static readonly System.Buffers.SearchValues<char> JsonEscaped = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '"', '\\', .. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    private void Check(long total)
    {
        if (++_visits > MaxVisits)
        {
            throw _owner.RangeError($"JSON.stringify would visit more than {MaxVisits} values; one call may visit at most that many");
        }
        if (total > _cap)
        {
            throw TooBig("JSON.stringify", total);
        }
    }

    private JavaScriptException TooBig(string what, long n) =>
        _owner.RangeError($"{what} would make more than {n} characters; one call may make at most {_cap}");
}
