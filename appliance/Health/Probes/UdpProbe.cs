using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// <c>udp</c>: sends the send string in one datagram on a connected socket and waits for an answer. No answer within
/// the timeout is down; so is an ICMP port unreachable (the kernel reports it on a connected socket as
/// <c>ECONNREFUSED</c>). With a receive pattern the answer must match it.
/// </summary>
internal sealed class UdpProbe : IHealthProbe
{
    public string Type => MonitorTypes.Udp;

    public async ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken)
    {
        if (target.Port == 0)
        {
            return ProbeResult.Down(ProbeErrors.NoPort(monitor));
        }
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var buffer = ArrayPool<byte>.Shared.Rent(AnswerReader.MaxBytes);
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            await socket.SendAsync(monitor.Send, SocketFlags.None, cancellationToken);
            var n = await socket.ReceiveAsync(buffer.AsMemory(0, AnswerReader.MaxBytes), SocketFlags.None, cancellationToken);
            return monitor.Judge(Encoding.Latin1.GetString(buffer, 0, n));
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return ProbeResult.Down($"{Type}: port unreachable");
        }
        catch (SocketException ex)
        {
            return ProbeResult.Down($"{Type}: {ProbeErrors.Describe(ex)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Down(ProbeErrors.NoAnswer(monitor));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
