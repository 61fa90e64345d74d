using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// One monitor request over a fresh connection, plain or TLS: send the request as written, read the answer (status
/// line, headers, body; at most 64 KiB) until it is complete or the server closes, then judge status and patterns.
/// </summary>
internal static partial class HttpExchange
{
    public static async ValueTask<ProbeResult> RunAsync(IPEndPoint target, CompiledMonitor monitor, bool tls, CancellationToken cancellationToken)
    {
        var type = monitor.Type;
        if (target.Port == 0)
        {
            return ProbeResult.Down(ProbeErrors.NoPort(monitor));
        }
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            await using var ssl = tls ? new SslStream(network, leaveInnerStreamOpen: true) : null;
            Stream stream = ssl is null ? network : ssl;
            if (ssl is not null)
            {
                // Without a server-ssl profile, as LTM: the monitor checks the service, not its certificate. With one,
                // as the data plane does toward members (its serverName, else the send string's Host, as SNI).
                await ssl.AuthenticateAsClientAsync(monitor.ServerTls?.Options(ServerName(monitor.SendText)) ?? new SslClientAuthenticationOptions
                {
                    TargetHost = ServerName(monitor.SendText),
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, cancellationToken);
            }
            await stream.WriteAsync(monitor.Send, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            var (text, timedOut) = await AnswerReader.ReadAsync(stream, IsComplete, cancellationToken);
            if (text.Length == 0)
            {
                return ProbeResult.Down($"{type}: connection closed without an answer");
            }
            var status = StatusLine().Match(text);
            if (!status.Success)
            {
                return ProbeResult.Down(timedOut ? ProbeErrors.NoAnswer(monitor) : $"{type}: answer is not HTTP (no status line)");
            }
            var code = int.Parse(status.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            var result = monitor.Judge(text, code);
            return timedOut && result.Outcome == ProbeOutcome.Down
                ? ProbeResult.Down(string.Create(CultureInfo.InvariantCulture, $"{result.Reason} (answer incomplete after {monitor.Config.Timeout}s)"))
                : result;
        }
        catch (SocketException ex)
        {
            return ProbeResult.Down($"{type}: {ProbeErrors.Describe(ex)}");
        }
        catch (AuthenticationException ex)
        {
            return ProbeResult.Down($"{type}: TLS handshake failed: {ex.Message}");
        }
        catch (IOException ex) when (ex.InnerException is SocketException se)
        {
            return ProbeResult.Down($"{type}: {ProbeErrors.Describe(se)}");
        }
        catch (IOException ex)
        {
            return ProbeResult.Down($"{type}: {ex.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Down(ProbeErrors.NoAnswer(monitor));
        }
    }

    /// <summary>SNI for https: the send string's Host header when it names a host (not an address); otherwise none.</summary>
    internal static string ServerName(string? send)
    {
        if (send is null)
        {
            return "";
        }
        var m = HostHeader().Match(send);
        return m.Success && !IPAddress.TryParse(m.Groups[1].Value, out _) ? m.Groups[1].Value : "";
    }

    /// <summary>
    /// True once the whole answer is in: head complete, and the body complete by Content-Length or the chunked
    /// terminator, or bodiless (1xx, 204, 304). Otherwise the reader goes on until the server closes (HTTP/1.0 style).
    /// </summary>
    internal static bool IsComplete(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }
        var head = text.AsSpan(0, headEnd);
        var status = StatusLine().Match(text);
        if (status.Success && status.Groups[1].ValueSpan is "204" or "304")
        {
            return true;
        }
        var bodyLength = text.Length - headEnd - 4;
        var cl = ContentLength().Match(head.ToString());
        if (cl.Success && long.TryParse(cl.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return bodyLength >= length;
        }
        if (Chunked().IsMatch(head.ToString()))
        {
            return text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal) || (bodyLength == 5 && text.EndsWith("0\r\n\r\n", StringComparison.Ordinal));
        }
        return false;
    }

    [GeneratedRegex(@"^HTTP/\d\.\d (\d{3})", RegexOptions.CultureInvariant)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^Host:[ \t]*([^\s:]+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex HostHeader();

    [GeneratedRegex(@"^Content-Length:[ \t]*(\d+)[ \t]*\r?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ContentLength();

    [GeneratedRegex(@"^Transfer-Encoding:.*chunked", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex Chunked();
}
