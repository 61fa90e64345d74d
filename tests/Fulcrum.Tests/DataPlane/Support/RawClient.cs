using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>A raw-socket HTTP client: sends exact bytes, reads what comes back.</summary>
public static class RawClient
{
    public static async Task<Socket> ConnectAsync(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(IPAddress.Loopback, port);
        return s;
    }

    /// <summary>Sends <paramref name="request"/> and reads until the proxy closes (or <paramref name="timeout"/>); returns the text and whether it closed.</summary>
    public static async Task<(string Text, bool Closed)> ExchangeAsync(int port, string request, TimeSpan? timeout = null)
    {
        using var s = await ConnectAsync(port);
        await s.SendAsync(Encoding.Latin1.GetBytes(request));
        return await ReadToCloseAsync(s, timeout ?? TimeSpan.FromSeconds(5));
    }

    public static async Task<(string Text, bool Closed)> ReadToCloseAsync(Socket s, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return (sb.ToString(), true);
                }
                sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
            return (sb.ToString(), false);
        }
        catch (SocketException)
        {
            return (sb.ToString(), true); // a reset also ends the connection
        }
    }

    /// <summary>Reads until <paramref name="marker"/> has been seen <paramref name="count"/> times (or timeout).</summary>
    public static async Task<string> ReadUntilAsync(Socket s, string marker, int count, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (Occurrences(sb.ToString(), marker) < count)
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }
                sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads one whole HTTP/1.1 response (the head, then a Content-Length body or a chunked body to its last chunk), so
    /// a keep-alive test's next read starts at the next response (or timeout / close).
    /// </summary>
    public static async Task<string> ReadResponseAsync(Socket s, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (!IsWholeResponse(sb.ToString()))
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }
                sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }
        return sb.ToString();
    }

    private static bool IsWholeResponse(string text)
    {
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }
        var head = text[..headEnd];
        var body = text.Length - headEnd - 4;
        if (head.Contains("\r\nTransfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal) || (body == 5 && text.EndsWith("0\r\n\r\n", StringComparison.Ordinal));
        }
        var cl = head.IndexOf("\r\nContent-Length:", StringComparison.OrdinalIgnoreCase);
        if (cl < 0)
        {
            return true;
        }
        var valueStart = cl + "\r\nContent-Length:".Length;
        var lineEnd = head.IndexOf("\r\n", valueStart, StringComparison.Ordinal);
        var length = int.Parse(head[valueStart..(lineEnd < 0 ? head.Length : lineEnd)].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return body >= length;
    }

    public static int Occurrences(string text, string marker)
    {
        var n = 0;
        for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }
}
