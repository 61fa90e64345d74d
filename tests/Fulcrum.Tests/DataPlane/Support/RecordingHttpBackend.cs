using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.Http;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>
/// An HTTP/1.1 backend that records every request exactly as it arrived (head and body bytes), parsed with the same
/// strict parser, and answers each with <c>200 ok</c>. The smuggling suite checks that it sees only what the proxy
/// parsed: one request per accepted request, never a smuggled second one.
/// </summary>
public sealed class RecordingHttpBackend : IAsyncDisposable
{
    private readonly RawBackend _raw;

    public RecordingHttpBackend()
    {
        _raw = new RawBackend(HandleAsync);
    }

    public int Port => _raw.Port;

    public int Connections => _raw.Connections;

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Bytes the backend could not parse as a request (should stay empty: the proxy forwards only clean requests).</summary>
    public ConcurrentQueue<string> Garbage { get; } = new();

    private async Task HandleAsync(Socket s)
    {
        var head = new HttpRequestHead();
        var decoder = new HttpChunkedDecoder();
        var data = new List<byte>();
        var buffer = new byte[65536];
        while (true)
        {
            var arr = data.ToArray();
            var r = HttpRequestParser.Parse(new ReadOnlySequence<byte>(arr), head, HttpParserLimits.Default);
            if (r.IsError)
            {
                Garbage.Enqueue(Encoding.Latin1.GetString(arr));
                return;
            }
            if (r.IsIncomplete)
            {
                var n = await s.ReceiveAsync(buffer);
                if (n == 0)
                {
                    if (arr.Length > 0)
                    {
                        Garbage.Enqueue(Encoding.Latin1.GetString(arr));
                    }
                    return;
                }
                data.AddRange(buffer.AsSpan(0, n));
                continue;
            }
            var consumed = (int)r.Consumed;
            var headText = Encoding.Latin1.GetString(arr, 0, consumed);
            data.RemoveRange(0, consumed);
            var body = new List<byte>();
            if (head.Framing == HttpBodyFraming.ContentLength)
            {
                while (data.Count < head.ContentLength)
                {
                    var n = await s.ReceiveAsync(buffer);
                    if (n == 0)
                    {
                        return;
                    }
                    data.AddRange(buffer.AsSpan(0, n));
                }
                body.AddRange(data.GetRange(0, (int)head.ContentLength));
                data.RemoveRange(0, (int)head.ContentLength);
            }
            else if (head.Framing == HttpBodyFraming.Chunked)
            {
                decoder.Reset();
                while (true)
                {
                    var chunk = data.ToArray();
                    var d = decoder.Decode(chunk.AsSpan());
                    if (d.IsError)
                    {
                        Garbage.Enqueue("bad chunked body: " + Encoding.Latin1.GetString(chunk));
                        return;
                    }
                    body.AddRange(chunk.AsSpan(0, (int)d.Consumed));
                    data.RemoveRange(0, (int)d.Consumed);
                    if (d.IsComplete)
                    {
                        break;
                    }
                    var n = await s.ReceiveAsync(buffer);
                    if (n == 0)
                    {
                        return;
                    }
                    data.AddRange(buffer.AsSpan(0, n));
                }
            }
            Requests.Enqueue(headText + Encoding.Latin1.GetString(body.ToArray()));
            await s.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
        }
    }

    /// <summary>Completes when every connection the proxy opened to this backend has ended: nothing more can be recorded on them.</summary>
    public Task ConnectionsEndedAsync(TimeSpan timeout) => _raw.ConnectionsEndedAsync(timeout);

    public ValueTask DisposeAsync() => _raw.DisposeAsync();
}
