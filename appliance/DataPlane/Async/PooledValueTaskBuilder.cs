using System.Runtime.CompilerServices;

namespace Fulcrum.Appliance.DataPlane.Async;

/// <summary>
/// Async method builder for the data plane's per-request <c>async ValueTask&lt;T&gt;</c> methods:
/// <c>[AsyncMethodBuilder(typeof(PooledValueTaskBuilder&lt;&gt;))]</c>. A method that completes without waiting costs
/// nothing; one that waits borrows a <see cref="PooledBox{TResult}"/> and gives it back when its result is read.
/// A result must be awaited exactly once (as for any pooled ValueTask).
/// </summary>
public struct PooledValueTaskBuilder<TResult>
{
    private PooledBox<TResult>? _box;
    private TResult? _result;

    public static PooledValueTaskBuilder<TResult> Create() => default;

    internal PooledBox<TResult>? CurrentBox => _box;

    public ValueTask<TResult> Task => _box is { } box ? new ValueTask<TResult>(box, box.Version) : new ValueTask<TResult>(_result!);

    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => stateMachine.MoveNext();

    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    public void SetResult(TResult result)
    {
        if (_box is { } box)
        {
            box.SetResult(result);
        }
        else
        {
            _result = result;
        }
    }

    public void SetException(Exception exception)
    {
        // Failing before any wait still needs a box to carry the exception.
        (_box ??= PooledBox<TResult, Faulted>.Rent()).SetException(exception);
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(Box(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(Box(ref stateMachine).MoveNextAction);

    private PooledBox<TResult> Box<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        if (_box is { } existing)
        {
            return existing;
        }
        var box = PooledBox<TResult, TStateMachine>.Rent();
        // Set before the copy: the state machine copied into the box carries a builder that already names its box.
        _box = box;
        box.StateMachine = stateMachine;
        return box;
    }

    /// <summary>Stands in for a state machine when a method fails before its first wait.</summary>
    private struct Faulted : IAsyncStateMachine
    {
        public void MoveNext()
        {
        }

        public void SetStateMachine(IAsyncStateMachine stateMachine)
        {
        }
    }
}

/// <summary>The same for <c>async ValueTask</c> methods.</summary>
public struct PooledValueTaskBuilder
{
    private PooledValueTaskBuilder<bool> _inner;

    public static PooledValueTaskBuilder Create() => default;

    public ValueTask Task => _inner.CurrentBox is { } box ? new ValueTask(box, box.Version) : ValueTask.CompletedTask;

    public void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine => stateMachine.MoveNext();

    public void SetStateMachine(IAsyncStateMachine stateMachine)
    {
    }

    public void SetResult() => _inner.SetResult(true);

    public void SetException(Exception exception) => _inner.SetException(exception);

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine => _inner.AwaitOnCompleted(ref awaiter, ref stateMachine);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine => _inner.AwaitUnsafeOnCompleted(ref awaiter, ref stateMachine);
}
