using System.Threading.Tasks.Sources;

namespace Fulcrum.Appliance.DataPlane.Transport.Epoll;

/// <summary>
/// A reusable awaitable for one kind of operation on one socket (receive, or send/connect). Completed on the loop,
/// it runs the awaiting code inline (RunContinuationsAsynchronously is false): no thread hop, no allocation.
/// </summary>
internal sealed class LoopOperation : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> _core;

    public short Version => _core.Version;

    public void Reset() => _core.Reset();

    public void SetResult(int result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
