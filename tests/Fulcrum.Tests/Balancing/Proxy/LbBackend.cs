using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Tests.Balancing.Proxy;

/// <summary>
/// A named loopback HTTP/1.1 member for balancing tests: answers its name on every path, counts requests and open
/// requests, sets a cookie on <c>/set/NAME</c> (value unique per call), holds on <c>/hold/MS</c>, and serves
/// <c>/health</c> as 200 or 503 (<see cref="Healthy"/>) for http monitors.
/// </summary>
public sealed class LbBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _open;
    private int _cookies;

    private LbBackend(WebApplication app, string name, int port)
    {
        _app = app;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    public int Open => Volatile.Read(ref _open);

    public volatile bool Healthy = true;

    public static async Task<LbBackend> StartAsync(string name, int? port = null)
    {
        var p = port ?? Infrastructure.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, p, lo => lo.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var self = new LbBackend(app, name, p);
        app.Run(async ctx =>
        {
            var path = ctx.Request.Path.Value ?? "/";
            if (path == "/health")
            {
                ctx.Response.StatusCode = self.Healthy ? 200 : 503;
                await ctx.Response.WriteAsync(self.Healthy ? "ok" : "down");
                return;
            }
            Interlocked.Increment(ref self._requests);
            Interlocked.Increment(ref self._open);
            try
            {
                if (path.StartsWith("/set/", StringComparison.Ordinal))
                {
                    var n = Interlocked.Increment(ref self._cookies);
                    ctx.Response.Headers.Append("Set-Cookie", $"{path[5..]}={name}-{n}; Path=/; HttpOnly");
                }
                else if (path.StartsWith("/hold/", StringComparison.Ordinal))
                {
                    try
                    {
                        await Task.Delay(int.Parse(path[6..], System.Globalization.CultureInfo.InvariantCulture), ctx.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                ctx.Response.Headers["X-Backend"] = name;
                await ctx.Response.WriteAsync(name);
            }
            finally
            {
                Interlocked.Decrement(ref self._open);
            }
        });
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
