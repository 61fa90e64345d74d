using System.Net;
using System.Text.Json;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing.Proxy;

/// <summary>Shortcuts for balancing-through-the-proxy tests: pools with member options, clients that say which member answered.</summary>
public static class LbApi
{
    /// <summary>A pool over loopback members; <paramref name="members"/> are JSON member objects minus address ("\"port\":1,\"ratio\":3").</summary>
    public static Task PoolJsonAsync(this ApiClient api, string name, IEnumerable<string> members, string extra = "") =>
        DataPlaneApi.Ok(api.Post("/api/v1/pools", $$"""{"name":"{{name}}","members":[{{string.Join(",", members.Select(m => "{\"address\":\"127.0.0.1\"," + m + "}"))}}]{{extra}}}"""));

    public static Task MemberStateAsync(this ApiClient api, string pool, int port, string state) =>
        DataPlaneApi.Ok(api.Patch($"/api/v1/pools/{pool}/members/127.0.0.1:{port}", $$"""{"state":"{{state}}"}"""));

    /// <summary>A client with no connection reuse and no cookies: each request is a new connection (L4 and L7 pick per connection).</summary>
    public static HttpClient FreshClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, UseCookies = false, MaxConnectionsPerServer = 64 })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public static HttpRequestMessage Get(int port, string path = "/", bool close = true)
    {
        var r = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        if (close)
        {
            r.Headers.ConnectionClose = true;
        }
        return r;
    }

    /// <summary>The member name that answered (the body).</summary>
    public static async Task<string> WhoAsync(this HttpClient client, int port, string path = "/", Action<HttpRequestMessage>? edit = null)
    {
        using var request = Get(port, path);
        edit?.Invoke(request);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Waits until a pool member's status is <paramref name="status"/> (up to 10 s).</summary>
    public static async Task WaitMemberAsync(this ApiClient api, string pool, int port, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var p = await api.PoolStatusAsync(pool);
            var m = p.GetProperty("members").EnumerateArray().Single(x => x.GetProperty("port").GetInt32() == port);
            if (m.GetProperty("status").GetString() == status)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"member {port} of {pool} never became {status}: {m}");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> PersistenceAsync(this ApiClient api, string virtualName) =>
        (await api.Get($"/api/v1/persistence?virtual={virtualName}")).Json;
}
