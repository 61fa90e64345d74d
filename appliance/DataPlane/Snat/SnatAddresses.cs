using System.Net;

namespace Fulcrum.Appliance.DataPlane.Snat;

/// <summary>
/// A virtual's SNAT pool: source addresses handed out round robin, so connections (and the ephemeral ports they use)
/// spread evenly. The port is left to the kernel at connect time (IP_BIND_ADDRESS_NO_PORT), so each address can carry
/// one connection per port per member, not one per port overall.
/// </summary>
public sealed class SnatAddresses
{
    private readonly IPAddress[] _addresses;
    private uint _next;

    public SnatAddresses(IPAddress[] addresses)
    {
        _addresses = addresses;
    }

    public int Count => _addresses.Length;

    public IReadOnlyList<IPAddress> Addresses => _addresses;

    /// <summary>The address to try for the <paramref name="attempt"/>-th try of one connect (0 = the rotation's next).</summary>
    public IPAddress Next(ref uint start, int attempt)
    {
        if (attempt == 0)
        {
            start = Interlocked.Increment(ref _next);
        }
        return _addresses[(int)((start + (uint)attempt) % (uint)_addresses.Length)];
    }

    public bool SameAs(IPAddress[] other) => _addresses.AsSpan().SequenceEqual(other);
}
