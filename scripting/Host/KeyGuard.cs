using Fulcrum.Scripting.Runtime;
using Jint.Native;
using Jint.Native.Array;
using Jint.Native.Object;
using Jint.Runtime;

namespace Fulcrum.Scripting.Host;

/// <summary>
/// Refuses, before Jint makes them, the property keys that one statement would make for every character of a string
/// or element of an array: <c>for (k in x)</c>, <c>{...x}</c>, <c>const {...r} = x</c> (through the hidden globals
/// the compiler wraps their operands in) and the key listings of the prelude (<c>Object.keys</c>, <c>assign</c>…).
/// Jint checks its memory limit only between statements, and these keys do not exist until the statement makes them:
/// 4 M characters make 300–900 MB of keys in one step.
/// </summary>
/// <remarks>
/// A cap is the memory limit divided by the least a key costs in Jint 4.18 (measured: the for-in key list 95–110 bytes
/// a key, <c>Object.keys</c> 95, <c>defineProperties</c> 82, object spread and <c>assign</c> 187–218, <c>freeze</c> 178,
/// <c>entries</c> 247, <c>getOwnPropertyDescriptors</c> 800, <c>getOwnPropertySymbols</c> of a String object 8). So what is refused would have passed the memory limit anyway (it is only
/// caught sooner, and also as a handler's last statement, after which Jint checks nothing), and what is let through
/// allocates less than twice the limit before the next statement's check.
/// Strings, String objects, arrays and <c>arguments</c> are the objects whose keys are made on demand; any other
/// object's keys already exist, so copying them costs about what the object did. Proxies, which could hide a string's
/// keys behind a trap-less handler, are not available to rules.
/// </remarks>
internal sealed class KeyGuard
{
    /// <summary>Bytes a key of for-in, or of a listing of keys or values, costs at least.</summary>
    public const int KeyBytes = 64;

    /// <summary>Bytes a copied property (spread, rest, <c>assign</c>, <c>entries</c>) costs at least.</summary>
    public const int PropertyBytes = 128;

    /// <summary>Bytes <c>getOwnPropertySymbols</c> of a String object costs a character (a list slot, though it lists none).</summary>
    public const int SlotBytes = 8;

    /// <summary>Bytes a property descriptor object of <c>getOwnPropertyDescriptors</c> costs at least.</summary>
    public const int DescriptorBytes = 512;

    private readonly RuleEngine _owner;
    private readonly int _memoryMb;

    public KeyGuard(RuleEngine owner, int memoryMb)
    {
        _owner = owner;
        _memoryMb = memoryMb;
    }

    /// <summary>The operand of <c>for (k in x)</c>, whose prototypes' keys are enumerated too; returns it.</summary>
    public JsValue ForIn(JsValue thisObj, JsValue[] args)
    {
        var value = args.Length > 0 ? args[0] : JsValue.Undefined;
        var n = Count(value, chain: true);
        if (n > Cap(KeyBytes))
        {
            throw _owner.RangeError($"for-in over {Describe(value, n)} would make {n} keys; the memory limit of {_memoryMb} MB allows at most {Cap(KeyBytes)} (iterate a string or array with for...of)");
        }
        return value;
    }

    /// <summary>The operand of an object spread or an object rest pattern; returns it.</summary>
    public JsValue Copy(JsValue thisObj, JsValue[] args)
    {
        var value = args.Length > 0 ? args[0] : JsValue.Undefined;
        var n = Count(value, chain: false);
        if (n > Cap(PropertyBytes))
        {
            throw _owner.RangeError($"copying the properties of {Describe(value, n)} (spread or rest) would make {n} properties; the memory limit of {_memoryMb} MB allows at most {Cap(PropertyBytes)}");
        }
        return value;
    }

    /// <summary><c>budget.keys(o, name)</c>: the prelude's check before a built-in lists an object's own keys.</summary>
    public JsValue Listing(JsValue thisObj, JsValue[] args)
    {
        var value = args.Length > 0 ? args[0] : JsValue.Undefined;
        var name = args.Length > 1 ? TypeConverter.ToString(args[1]) : "listing";
        var bytes = name switch
        {
            "getOwnPropertyDescriptors" => DescriptorBytes,
            "entries" or "assign" or "freeze" or "seal" => PropertyBytes,
            "getOwnPropertySymbols" => SlotBytes,
            _ => KeyBytes,
        };
        var n = Count(value, chain: false);
        if (n > Cap(bytes))
        {
            throw _owner.RangeError($"{name} would list {n} keys of {Describe(value, n)}; the memory limit of {_memoryMb} MB allows at most {Cap(bytes)}");
        }
        return JsValue.Undefined;
    }

    /// <summary>
    /// Before the engine freezes <paramref name="o"/> after loading the rule: <paramref name="made"/> is what freezing
    /// the objects before it makes; returns the new total, or throws past the cap of a copy.
    /// </summary>
    public long CheckFreeze(ObjectInstance o, long made)
    {
        var n = made + Count(o, chain: false);
        if (n > Cap(PropertyBytes))
        {
            throw _owner.RangeError($"top-level constants and statics hold {n} characters of String objects and array elements; freezing them in every engine would make a property for each, and the memory limit of {_memoryMb} MB allows at most {Cap(PropertyBytes)} (keep big tables in data groups or plain strings)");
        }
        return n;
    }

    private long Cap(int bytesPerKey) => ((long)_memoryMb << 20) / bytesPerKey;

    /// <summary>Keys made on demand: characters of strings and String objects, elements of arrays and arguments.</summary>
    private static long Count(JsValue value, bool chain)
    {
        if (value is JsString s)
        {
            return s.Length;
        }
        long n = 0;
        for (var o = value as ObjectInstance; o is not null; o = chain ? o.Prototype : null)
        {
            n += o switch
            {
                IJsPrimitive { PrimitiveValue: JsString wrapped } => wrapped.Length,
                JsArray a => a.Length,
                ArrayInstance a => TypeConverter.ToUint32(a.Get("length")),
                JsArguments a => a.Length,
                _ => 0,
            };
        }
        return n;
    }

    private static string Describe(JsValue value, long n) => value switch
    {
        JsString => $"a string of {n} characters",
        IJsPrimitive { PrimitiveValue: JsString } => $"a String object of {n} characters",
        ArrayInstance => $"an array of {n} elements",
        _ => $"an object with {n} indexed keys",
    };
}
