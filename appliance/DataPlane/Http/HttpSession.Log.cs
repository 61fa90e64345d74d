using System.Buffers;
using System.Diagnostics;
using Fulcrum.Appliance.DataPlane.Logging;
using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Http;

/// <summary>Per-request accounting: the access-log entry (only when the profile turns the log on).</summary>
internal sealed partial class HttpSession
{
    private void WriteAccessLog()
    {
        var format = _plan.AccessLog;
        if (format is null)
        {
            return;
        }
        var raw = _req.Raw;
        var lineLength = Math.Max(0, raw.IndexOf("\r\n"u8));
        var line = ArrayPool<byte>.Shared.Rent(Math.Max(1, lineLength));
        raw[..lineLength].CopyTo(line);
        var now = Stopwatch.GetTimestamp();
        var start = _requestStart == 0 ? now : _requestStart;
        _proxy.AccessLog.TryWrite(new AccessLogEntry(
            format,
            DateTimeOffset.UtcNow,
            _ctx.ClientEndPoint,
            _plan.Name,
            _ctx.Pool?.Name,
            _ctx.Member?.Key,
            _connectDone == 0 ? -1 : Ms(start, _connectDone),
            _responseHeadAt == 0 ? -1 : Ms(_connectDone == 0 ? start : _connectDone, _responseHeadAt),
            Ms(start, now),
            _localStatus != 0 ? _localStatus : _res.StatusCode,
            _responseBytes,
            _requestCause != TerminationCause.None ? _requestCause : _ctx.Cause,
            line,
            lineLength));
    }

    private static int Ms(long from, long to) => (int)Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
