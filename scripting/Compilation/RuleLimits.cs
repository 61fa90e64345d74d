namespace Fulcrum.Scripting.Compilation;

/// <summary>
/// What a rule may use: <see cref="TimeMs"/> (CPU time of the dispatching thread) and <see cref="Statements"/> per event,
/// shared by all of the rule's handlers of that event; <see cref="MemoryMb"/> and <see cref="Recursion"/> per handler
/// call. Every rule gets <see cref="Default"/>; a rule may change them with a top-level
/// <c>limits({timeMs, statements, memoryMb, recursion})</c> call of literal numbers, checked at save time against
/// <see cref="Min"/> and <see cref="Max"/>. <see cref="Recursion"/> 0 (the default) sets no depth limit: Jint's stack
/// guard turns runaway recursion into a RangeError and the time limit bounds the rest, at no cost per call; a rule may
/// ask for a hard depth limit (8 to 2000), which costs 150–500 ns per handler call.
/// </summary>
public sealed record RuleLimits(int TimeMs, int Statements, int MemoryMb, int Recursion)
{
    public static readonly RuleLimits Default = new(TimeMs: 20, Statements: 200_000, MemoryMb: 16, Recursion: 0);
    public static readonly RuleLimits Min = new(1, 1_000, 1, 8);
    public static readonly RuleLimits Max = new(1_000, 10_000_000, 256, 2_000);

    /// <summary>
    /// <c>ctx.http.retry()</c> calls honoured per request, in the proxy and the test bench alike; one more fails the
    /// event (a rule that retries on every 5xx would otherwise loop for as long as the pool answers 5xx).
    /// </summary>
    public const int MaxRetries = 4;

    /// <summary>Longest string a single built-in call may produce (repeat, pad, join, replace, JSON.stringify).</summary>
    public int MaxStringChars => MemoryMb * (1 << 20) / 4;

    /// <summary>Most elements an array may have.</summary>
    public uint MaxArrayLength => (uint)Math.Min(MemoryMb * (1 << 20) / 16, 4_000_000);

    internal static readonly IReadOnlyList<string> FieldNames = ["timeMs", "statements", "memoryMb", "recursion"];

    internal static (int Min, int Max) Range(string field) => field switch
    {
        "timeMs" => (Min.TimeMs, Max.TimeMs),
        "statements" => (Min.Statements, Max.Statements),
        "memoryMb" => (Min.MemoryMb, Max.MemoryMb),
        _ => (Min.Recursion, Max.Recursion),
    };

    internal RuleLimits With(string field, int value) => field switch
    {
        "timeMs" => this with { TimeMs = value },
        "statements" => this with { Statements = value },
        "memoryMb" => this with { MemoryMb = value },
        _ => this with { Recursion = value },
    };
}
