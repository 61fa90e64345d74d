using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>
/// Failed logins from one address cannot lock the account out for everyone: the real appliance, with clients whose
/// sockets are bound to distinct loopback source addresses (127.0.0.2, 127.0.0.3).
/// </summary>
public sealed class LoginLockoutTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public LoginLockoutTests(ApplianceFixture fixture)
    {
        _f = fixture;
    }

    [Fact]
    public async Task FiveBadPasswordsFromOneAddress_ThatAddressRefused_OthersStillLogIn()
    {
        using var attacker = From("127.0.0.2");
        using var owner = From("127.0.0.3");
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Status(attacker, "admin", "wrong-" + i)).Status);
        }

        var fromAttacker = await Status(attacker, "admin", ApplianceProcess.AdminPassword);
        var fromOwner = await Status(owner, "admin", ApplianceProcess.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, fromAttacker.Status);
        Assert.NotNull(fromAttacker.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, fromOwner.Status);
        Assert.Equal(HttpStatusCode.OK, (await _f.Admin.Get("/api/v1/auth/me")).Status);
    }

    [Fact]
    public async Task NameGuessedFromManyAddresses_FailingAddressesSlowed_ACleanAddressStillLogsIn()
    {
        await _f.Admin.Post("/api/v1/users", """{"name":"ops","role":"operator","password":"Ops-Password-42"}""");
        var addresses = Enumerable.Range(10, LoginThrottle.UserSlowAfter + 1).Select(i => $"127.0.1.{i}").ToList();
        foreach (var address in addresses)
        {
            using var client = From(address);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Status(client, "ops", "guess")).Status);
        }

        using (var last = From(addresses[^1]))
        {
            // One failure each, but the name is now slow: the address that just failed waits.
            Assert.Equal(HttpStatusCode.TooManyRequests, (await Status(last, "ops", "Ops-Password-42")).Status);
        }
        using var clean = From("127.0.2.1");
        Assert.Equal(HttpStatusCode.OK, (await Status(clean, "ops", "Ops-Password-42")).Status);
    }

    private HttpClient From(string source)
    {
        var local = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = _f.Appliance.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<(HttpStatusCode Status, RetryConditionHeaderValue? RetryAfter)> Status(HttpClient client, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Headers.RetryAfter);
    }
}
