using System.Collections.Concurrent;
using Fulcrum.Appliance.DataPlane.Connect;

namespace Fulcrum.Appliance.DataPlane.OneConnect;

/// <summary>Idle server connections to one member for one source-mask key. Lock-free; the count is kept beside the queue.</summary>
internal sealed class IdleQueue
{
    private readonly ConcurrentQueue<ServerConnection> _queue = new();
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public bool TryAdd(ServerConnection connection, int maxSize)
    {
        if (Interlocked.Increment(ref _count) > maxSize)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _queue.Enqueue(connection);
        return true;
    }

    public bool TryTake(out ServerConnection connection)
    {
        if (_queue.TryDequeue(out connection!))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }
        return false;
    }
}
