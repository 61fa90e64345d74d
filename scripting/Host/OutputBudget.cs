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
    private int _visits;

    private int MaxVisits => Math.Max(10_000, _cap / 64);

    public OutputBudget(RuleEngine owner, int cap)
    {
        _owner = owner;
        _cap = cap;
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
                total += s.Length + 2;
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
