using System.Net;
using System.Runtime.InteropServices;

namespace Fulcrum.Appliance.Balancing.Methods;

/// <summary>
/// 64-bit FNV-1a with a murmur3 finaliser. Stable across processes and machines (unlike string.GetHashCode), so two
/// appliances, or one after a restart, send a key to the same member.
/// </summary>
internal static class StableHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(ReadOnlySpan<byte> bytes, ulong seed = 0)
    {
        var h = Offset ^ seed;
        foreach (var b in bytes)
        {
            h = (h ^ b) * Prime;
        }
        return Mix(h);
    }

    public static ulong Of(string text, ulong seed = 0) => Of(MemoryMarshal.AsBytes(text.AsSpan()), seed);

    public static ulong Of(IPAddress address, ulong seed = 0)
    {
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) ? Of(bytes[..written], seed) : 0;
    }

    /// <summary>The key a hash method uses: the context's hash key, else the client address; null when neither is set.</summary>
    public static ulong? Key(in PickContext context) =>
        context.HashKey is { } key ? Of(key) : context.ClientAddress is { } ip ? Of(ip) : null;

    public static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
