using System.Net.Sockets;
using System.Text;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing.Proxy;

/// <summary>Pool serviceDownAction through the proxy: a member's http monitor is made to fail while clients hold connections to it.</summary>
public sealed class ServiceDownProxyTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public ServiceDownProxyTests(ApplianceFixture f)
    {
        _f = f;
    }

    private async Task<(LbBackend[] Backends, int Port)> SetupAsync(string name, string action, string profiles, int members = 1)
    {
        var be = new LbBackend[members];
        for (var i = 0; i < members; i++)
        {
            be[i] = await LbBackend.StartAsync($"{name}-{i}");
        }
        await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/monitors", $$"""{"name":"{{name}}-mon","type":"http","interval":1,"timeout":2,"send":"GET /health HTTP/1.0\r\n\r\n","receive":"ok"}"""));
        await _f.Admin.PoolJsonAsync(name, be.Select(b => $"\"port\":{b.Port}"), $",\"monitors\":[\"{name}-mon\"],\"serviceDownAction\":\"{action}\",\"reselectTries\":1");
        var port = await _f.Admin.VirtualAsync(name, name, profiles);
        foreach (var b in be)
        {
            await _f.Admin.WaitMemberAsync(name, b.Port, "up");
        }
        return (be, port);
    }

    private static async Task<string> ExchangeAsync(Socket s, string path = "/", int timeoutSeconds = 5)
    {
        await s.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"));
        // The whole response: a chunked body's last chunk read later would be taken for the next response.
        return await RawClient.ReadResponseAsync(s, TimeSpan.FromSeconds(timeoutSeconds));
    }

    /// <summary>True when the connection was closed or reset within the time.</summary>
    private static async Task<bool> ClosedWithinAsync(Socket s, TimeSpan time)
    {
        // Drain what is still in flight (a response's last segment can arrive after ExchangeAsync's one read) until the
        // end of the stream or a reset.
        var buffer = new byte[4096];
        var deadline = DateTime.UtcNow + time;
        try
        {
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }
                if (await s.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(left) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Reset_L4_TheConnectionIsResetWhenTheMemberGoesDown()
    {
        var (be, port) = await SetupAsync("sd-r4", "reset", "\"tcp\"");
        await using var _ = be[0];
        using var s = await RawClient.ConnectAsync(port);
        Assert.Contains("sd-r4-0", await ExchangeAsync(s), StringComparison.Ordinal);
        be[0].Healthy = false;
        await _f.Admin.WaitMemberAsync("sd-r4", be[0].Port, "down");
        Assert.True(await ClosedWithinAsync(s, TimeSpan.FromSeconds(3)));
        Assert.Equal(1, await _f.Admin.VirtualErrorsAsync("sd-r4", "member-down", 1));
    }

    [Fact]
    public async Task None_L4_TheConnectionIsLeftAlone()
    {
        var (be, port) = await SetupAsync("sd-n4", "none", "\"tcp\"");
        await using var _ = be[0];
        using var s = await RawClient.ConnectAsync(port);
        Assert.Contains("sd-n4-0", await ExchangeAsync(s), StringComparison.Ordinal);
        be[0].Healthy = false;
        await _f.Admin.WaitMemberAsync("sd-n4", be[0].Port, "down");
        Assert.Contains("sd-n4-0", await ExchangeAsync(s), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reselect_L4_IsAReset()
    {
        var (be, port) = await SetupAsync("sd-s4", "reselect", "\"tcp\"");
        await using var _ = be[0];
        using var s = await RawClient.ConnectAsync(port);
        Assert.Contains("sd-s4-0", await ExchangeAsync(s), StringComparison.Ordinal);
        be[0].Healthy = false;
        await _f.Admin.WaitMemberAsync("sd-s4", be[0].Port, "down");
        Assert.True(await ClosedWithinAsync(s, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Reset_L7_AnOpenKeepAliveConnectionIsReset()
    {
        var (be, port) = await SetupAsync("sd-r7", "reset", "\"tcp\",\"http\"");
        await using var _ = be[0];
        using var s = await RawClient.ConnectAsync(port);
        Assert.Contains("sd-r7-0", await ExchangeAsync(s), StringComparison.Ordinal);
        be[0].Healthy = false;
        await _f.Admin.WaitMemberAsync("sd-r7", be[0].Port, "down");
        Assert.True(await ClosedWithinAsync(s, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Reselect_L7_TheNextRequestOnTheConnectionGoesToAnotherMember()
    {
        var (be, port) = await SetupAsync("sd-s7", "reselect", "\"tcp\",\"http\"", members: 2);
        await using var a = be[0];
        await using var b = be[1];
        using var s = await RawClient.ConnectAsync(port);
        var first = await ExchangeAsync(s);
        var down = first.Contains("sd-s7-0", StringComparison.Ordinal) ? be[0] : be[1];
        down.Healthy = false;
        await _f.Admin.WaitMemberAsync("sd-s7", down.Port, "down");
        var next = await ExchangeAsync(s);
        Assert.Contains("200 OK", next, StringComparison.Ordinal);
        Assert.DoesNotContain(down.Name, next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reselect_L7_AnUnansweredGetIsRetriedOnAnotherMember()
    {
        var (be, port) = await SetupAsync("sd-q7", "reselect", "\"tcp\",\"http\"", members: 2);
        await using var a = be[0];
        await using var b = be[1];
        using var s = await RawClient.ConnectAsync(port);
        var first = await ExchangeAsync(s);
        var down = first.Contains("sd-q7-0", StringComparison.Ordinal) ? be[0] : be[1];
        var held = ExchangeAsync(s, "/hold/8000", timeoutSeconds: 20);
        await Task.Delay(300);
        down.Healthy = false;
        var answer = await held;
        Assert.Contains("200 OK", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(down.Name, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task None_L7_TheConnectionKeepsItsMember()
    {
        var (be, port) = await SetupAsync("sd-n7", "none", "\"tcp\",\"http\"", members: 2);
        await using var a = be[0];
        await using var b = be[1];
        using var s = await RawClient.ConnectAsync(port);
        var first = await ExchangeAsync(s);
        var down = first.Contains("sd-n7-0", StringComparison.Ordinal) ? be[0] : be[1];
        down.Healthy = false;
        await _f.Admin.WaitMemberAsync("sd-n7", down.Port, "down");
        Assert.Contains(down.Name, await ExchangeAsync(s), StringComparison.Ordinal);
    }
}
