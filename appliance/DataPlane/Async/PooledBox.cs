using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Fulcrum.Appliance.DataPlane.Async;

/// <summary>
/// The heap home of a suspended async method's state machine, reused. .NET's own pooling builder keeps one box per
/// thread and one per core for each method: an event loop that completes 64 responses in one epoll batch and then
/// takes 64 new requests drops 62 of them. These boxes go back to a per-thread stack (the loop's) of up to
/// <see cref="MaxPooled"/> per method, so a loop's steady state allocates none.
/// The execution context is not captured: continuations run on the loop where the awaited operation completed, and
/// the data plane keeps no AsyncLocal state across awaits.
/// </summary>
internal abstract class PooledBox<TResult> : IValueTaskSource<TResult>, IValueTaskSource
{
    public const int MaxPooled = 1024;

    private ManualResetValueTaskSourceCore<TResult> _core;

    public short Version => _core.Version;

    public abstract Action MoveNextAction { get; }

    public void SetResult(TResult result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public TResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Return();
        }
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    protected abstract void Return();
}

internal sealed class PooledBox<TResult, TStateMachine> : PooledBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    [ThreadStatic]
    private static PooledBox<TResult, TStateMachine>?[]? t_pool;

    [ThreadStatic]
    private static int t_count;

    private readonly Action _moveNext;

    public TStateMachine? StateMachine;

    private PooledBox() => _moveNext = MoveNext;

    public override Action MoveNextAction => _moveNext;

    public static PooledBox<TResult, TStateMachine> Rent()
    {
        var pool = t_pool;
        if (pool is not null && t_count > 0)
        {
            var box = pool[--t_count]!;
            pool[t_count] = null;
            return box;
        }
        return new PooledBox<TResult, TStateMachine>();
    }

    private void MoveNext() => StateMachine!.MoveNext();

    protected override void Return()
    {
        StateMachine = default;
        var pool = t_pool ??= new PooledBox<TResult, TStateMachine>?[16];
        if (t_count == pool.Length)
        {
            if (pool.Length >= MaxPooled)
            {
                return;
            }
            Array.Resize(ref t_pool, pool.Length * 2);
            pool = t_pool;
        }
        pool[t_count++] = this;
    }
}
