using System.Collections.Concurrent;

namespace Fulcrum.Packet.Forwarding;

/// <summary>
/// Members' MAC addresses on the server-side segment, learnt from ARP replies the forwarder asks for itself (the
/// kernel's neighbour table is not consulted: packet mode works beside the kernel, not through it).
/// </summary>
internal sealed class Neighbours
{
    private readonly ConcurrentDictionary<uint, ulong> _macs = new();
    private readonly ConcurrentDictionary<uint, byte> _wanted = new();

    public bool TryGet(uint ip, out ulong mac) => _macs.TryGetValue(ip, out mac);

    public void Learn(uint ip, ulong mac)
    {
        _macs[ip] = mac;
        _wanted.TryRemove(ip, out _);
    }

    /// <summary>Asks for an ARP request for <paramref name="ip"/> at the next resolve round.</summary>
    public void Want(uint ip) => _wanted.TryAdd(ip, 0);

    /// <summary>Addresses to ask for now (wanted ones, taken).</summary>
    public List<uint> TakeWanted()
    {
        var list = new List<uint>();
        foreach (var (ip, _) in _wanted)
        {
            if (_wanted.TryRemove(ip, out _))
            {
                list.Add(ip);
            }
        }
        return list;
    }

    public int Count => _macs.Count;
}
