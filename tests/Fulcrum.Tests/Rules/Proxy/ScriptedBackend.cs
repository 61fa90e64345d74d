using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Tests.Rules.Proxy;

/// <summary>A Kestrel backend on a loopback port whose every request is answered by one test-given handler (Location, Set-Cookie, HTML bodies).</summary>
public sealed class ScriptedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ScriptedBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<ScriptedBackend> StartAsync(string name, Func<HttpContext, Task> handler)
    {
        var p = Infrastructure.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, p, lo => lo.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var self = new ScriptedBackend(app, p);
        app.Run(async ctx =>
        {
            Interlocked.Increment(ref self._requests);
            ctx.Response.Headers["X-Backend"] = name;
            await handler(ctx);
        });
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }
}
