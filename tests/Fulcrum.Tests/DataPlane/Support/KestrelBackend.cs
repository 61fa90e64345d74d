using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>
/// A real HTTP/1.1 backend (Kestrel) on a loopback port that counts its connections and serves what the tests need:
/// echo, sized downloads, chunked streams, aborts mid-response, request-header dumps, WebSocket echo.
/// </summary>
public sealed class KestrelBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;
    private int _requests;

    private KestrelBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Sets a name so tests can tell which member answered.</summary>
    public string Name { get; private set; } = "";

    public static async Task<KestrelBackend> StartAsync(string name = "be", int? port = null)
    {
        var p = port ?? Infrastructure.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        KestrelBackend? self = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            k.Listen(IPAddress.Loopback, p, lo =>
            {
                lo.Protocols = HttpProtocols.Http1;
                lo.Use(next => async ctx =>
                {
                    Interlocked.Increment(ref self!._connections);
                    await next(ctx);
                });
            });
        });
        builder.Services.AddRouting();
        var app = builder.Build();
        self = new KestrelBackend(app, p) { Name = name };
        app.UseWebSockets();
        app.Use(async (ctx, next) =>
        {
            Interlocked.Increment(ref self._requests);
            ctx.Response.Headers["X-Backend"] = name;
            await next(ctx);
        });
        app.MapGet("/", () => Results.Text("hello from " + name + "\n"));
        app.MapMethods("/echo", ["POST", "PUT"], async ctx =>
        {
            ctx.Response.ContentType = "application/octet-stream";
            await ctx.Request.Body.CopyToAsync(ctx.Response.Body);
        });
        app.MapPost("/count", async ctx =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += n;
            }
            await ctx.Response.WriteAsync(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        app.MapMethods("/bytes/{n:long}", ["GET", "HEAD"], async (HttpContext ctx, long n) =>
        {
            ctx.Response.ContentLength = n;
            if (HttpMethods.IsHead(ctx.Request.Method))
            {
                return;
            }
            var chunk = Pattern(64 * 1024);
            for (long sent = 0; sent < n;)
            {
                var take = (int)Math.Min(chunk.Length, n - sent);
                await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, take));
                sent += take;
            }
        });
        app.MapGet("/chunked", async ctx =>
        {
            for (var i = 0; i < 5; i++)
            {
                await ctx.Response.WriteAsync($"part{i};");
                await ctx.Response.Body.FlushAsync();
            }
        });
        app.MapGet("/abort/{n:int}", async (HttpContext ctx, int n) =>
        {
            ctx.Response.ContentLength = 1_000_000;
            await ctx.Response.Body.WriteAsync(Pattern(n));
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(100);
            ctx.Abort();
        });
        app.MapGet("/headers", (HttpContext ctx) =>
        {
            var sb = new StringBuilder();
            foreach (var h in ctx.Request.Headers)
            {
                sb.Append(h.Key.ToLowerInvariant()).Append(": ").Append(h.Value.ToString()).Append('\n');
            }
            return Results.Text(sb.ToString());
        });
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/slow/{ms:int}", async (int ms) =>
        {
            await Task.Delay(ms);
            return Results.Text("slow\n");
        });
        app.Map("/ws", async ctx =>
        {
            if (!ctx.WebSockets.IsWebSocketRequest)
            {
                ctx.Response.StatusCode = 400;
                return;
            }
            using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }
                await ws.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
            }
        });
        await app.StartAsync();
        return self;
    }

    /// <summary>Deterministic bytes (i mod 251) so a corrupted or reordered body shows.</summary>
    public static byte[] Pattern(int length)
    {
        var b = new byte[length];
        for (var i = 0; i < b.Length; i++)
        {
            b[i] = (byte)(i % 251);
        }
        return b;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }
}
