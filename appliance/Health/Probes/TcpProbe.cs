using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// <c>tcp</c>: connects; with a send string, sends it; with a receive pattern, reads the answer (bounded) until the
/// pattern matches or the peer closes, then judges it. Without send and receive, a completed handshake is up.
/// </summary>
internal sealed class TcpProbe : IHealthProbe
{
    public string Type => MonitorTypes.Tcp;

    public async ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken)
    {
        if (target.Port == 0)
        {
            return ProbeResult.Down(ProbeErrors.NoPort(monitor));
        }
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            if (monitor.Send.Length > 0)
            {
                await socket.SendAsync(monitor.Send, SocketFlags.None, cancellationToken);
            }
            if (monitor.Receive is null && monitor.ReceiveDisable is null)
            {
                return ProbeResult.Up();
            }
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var (text, timedOut) = await AnswerReader.ReadAsync(stream, t => monitor.Judge(t).Outcome != ProbeOutcome.Down, cancellationToken);
            if (text.Length == 0)
            {
                return ProbeResult.Down($"{Type}: connection closed without an answer");
            }
            var result = monitor.Judge(text);
            return timedOut && result.Outcome == ProbeOutcome.Down ? ProbeResult.Down($"{result.Reason} (in {monitor.Config.Timeout}s)") : result;
        }
        catch (SocketException ex)
        {
            return ProbeResult.Down($"{Type}: {ProbeErrors.Describe(ex)}");
        }
        catch (IOException ex) when (ex.InnerException is SocketException se)
        {
            return ProbeResult.Down($"{Type}: {ProbeErrors.Describe(se)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Down(ProbeErrors.NoAnswer(monitor));
        }
    }
}
