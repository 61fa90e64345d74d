namespace Fulcrum.Packet.Forwarding;

/// <summary>
/// FULLNAT's local (address, port) pairs: one per flow, taken when the flow opens and given back when it is removed.
/// Free pairs are a FIFO, so a pair just released is reused last (the member's TIME_WAIT for it has the longest to
/// pass). Taken and given back once per flow, never per packet; a lock is enough.
/// </summary>
internal sealed class SnatPorts
{
    private readonly Queue<ulong> _free = new();
    private readonly Lock _lock = new();

    public SnatPorts(IReadOnlyList<uint> addresses, ushort first, ushort last)
    {
        Addresses = addresses;
        for (var port = first; port <= last && port != 0; port++)
        {
            foreach (var a in addresses)
            {
                _free.Enqueue((ulong)a << 16 | port);
            }
            if (port == ushort.MaxValue)
            {
                break;
            }
        }
    }

    public IReadOnlyList<uint> Addresses { get; }

    public bool TryTake(out uint address, out ushort port)
    {
        lock (_lock)
        {
            if (_free.TryDequeue(out var pair))
            {
                address = (uint)(pair >> 16);
                port = (ushort)pair;
                return true;
            }
        }
        address = 0;
        port = 0;
        return false;
    }

    public void Give(uint address, ushort port)
    {
        lock (_lock)
        {
            _free.Enqueue((ulong)address << 16 | port);
        }
    }

    public int Free
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }
}
