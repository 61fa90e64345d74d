namespace Fulcrum.Appliance.Http.Http2;

/// <summary>
/// One flow-control window (RFC 9113 §5.2, §6.9): a stream's or the connection's, in one direction. A plain struct the
/// connection keeps per stream, so flow control allocates nothing. The window may go negative when the peer lowers
/// SETTINGS_INITIAL_WINDOW_SIZE (§6.9.2); it may never pass 2^31 - 1.
/// </summary>
public struct Http2FlowWindow
{
    public const int MaxSize = int.MaxValue;

    private long _available;

    public Http2FlowWindow(int initial) => _available = initial;

    /// <summary>Bytes that may be sent (or received) now; negative after a lowered initial window.</summary>
    public readonly long Available => _available;

    /// <summary>
    /// Takes <paramref name="length"/> bytes of DATA (the whole frame payload, padding included, §6.9.1). Receiving more
    /// than the window allows is FLOW_CONTROL_ERROR; on the sending side the caller sends no more than <see cref="Available"/>.
    /// </summary>
    public Http2ErrorCode TryConsume(int length)
    {
        if (length > _available)
        {
            return Http2ErrorCode.FlowControlError;
        }

        _available -= length;
        return Http2ErrorCode.NoError;
    }

    /// <summary>
    /// A WINDOW_UPDATE: an increment of 0 is PROTOCOL_ERROR (§6.9: a stream error on a stream, a connection error on
    /// stream 0); a window pushed past 2^31 - 1 is FLOW_CONTROL_ERROR (§6.9.1). Nothing changes on error.
    /// </summary>
    public Http2ErrorCode TryIncrease(int increment)
    {
        if (increment <= 0)
        {
            return Http2ErrorCode.ProtocolError;
        }

        if (_available + increment > MaxSize)
        {
            return Http2ErrorCode.FlowControlError;
        }

        _available += increment;
        return Http2ErrorCode.NoError;
    }

    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE changed by <paramref name="delta"/> (§6.9.2): FLOW_CONTROL_ERROR when the window would pass 2^31 - 1.</summary>
    public Http2ErrorCode TryAdjustInitial(long delta)
    {
        if (_available + delta > MaxSize)
        {
            return Http2ErrorCode.FlowControlError;
        }

        _available += delta;
        return Http2ErrorCode.NoError;
    }

    /// <summary>
    /// On the receiving side, after the bytes were passed on: the WINDOW_UPDATE increment to send now to restore
    /// <paramref name="target"/>, or 0 while more than half of it is still open (one update per half window, not one
    /// per DATA frame).
    /// </summary>
    public int TakeUpdate(int target)
    {
        if (_available > target / 2)
        {
            return 0;
        }

        var increment = (int)(target - _available);
        _available = target;
        return increment;
    }
}
