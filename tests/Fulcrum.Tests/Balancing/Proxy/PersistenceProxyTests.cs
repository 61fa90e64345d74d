using System.Net;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing.Proxy;

/// <summary>
/// Every persistence kind through the real proxy with real clients. Each request is a new client connection
/// (<c>Connection: close</c>), so without persistence the round-robin pool would send it to the next member.
/// </summary>
public sealed class PersistenceProxyTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;

    public PersistenceProxyTests(ApplianceFixture f)
    {
        _f = f;
    }

    private static async Task<LbBackend[]> StartAsync(string prefix, int n)
    {
        var list = new LbBackend[n];
        for (var i = 0; i < n; i++)
        {
            list[i] = await LbBackend.StartAsync($"{prefix}{i}");
        }
        return list;
    }

    private static async Task StopAsync(LbBackend[] backends)
    {
        foreach (var b in backends)
        {
            await b.DisposeAsync();
        }
    }

    private async Task<int> SetupAsync(string name, LbBackend[] backends, string profiles, string persistence, string poolExtra = "")
    {
        await _f.Admin.PoolJsonAsync(name, backends.Select(b => $"\"port\":{b.Port}"), poolExtra);
        return await _f.Admin.VirtualAsync(name, name, profiles, $",\"persistence\":\"{persistence}\"");
    }

    [Fact]
    public async Task SourceAddress_L4_EveryConnectionGoesToTheFirstMember()
    {
        var be = await StartAsync("sa4-", 3);
        try
        {
            var port = await SetupAsync("sa4", be, "\"tcp\"", "source-addr");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(first, await client.WhoAsync(port));
            }
            var records = await _f.Admin.PersistenceAsync("sa4");
            Assert.Equal(1, records.GetArrayLength());
            Assert.Equal("127.0.0.1", records[0].GetProperty("key").GetString());
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task SourceAddress_L7_WithMask_EveryRequestGoesToTheFirstMember()
    {
        var be = await StartAsync("sa7-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"sa-mask","method":"source-address","mask":"255.255.255.0","timeout":60}""");
            var port = await SetupAsync("sa7", be, "\"tcp\",\"http\"", "sa-mask");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(first, await client.WhoAsync(port));
            }
            Assert.Equal("127.0.0.0", (await _f.Admin.PersistenceAsync("sa7"))[0].GetProperty("key").GetString());
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task CookieInsert_SetCookieHasTheProfileAttributes_AndTheCookiePicksTheMember()
    {
        var be = await StartAsync("ci-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"ck-ins","method":"cookie","cookieMethod":"insert","cookieExpiration":60,"cookieSecure":true,"cookieSameSite":"lax"}""");
            var port = await SetupAsync("ci", be, "\"tcp\",\"http\"", "ck-ins");
            using var client = LbApi.FreshClient();
            using var first = await client.SendAsync(LbApi.Get(port));
            var member = await first.Content.ReadAsStringAsync();
            var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
            Assert.Matches(@"^fulcrum_ci=[A-Za-z0-9_-]{20}; Path=/; Max-Age=60; Expires=[^;]+ GMT; HttpOnly; Secure; SameSite=Lax$", setCookie);
            var cookie = setCookie[..setCookie.IndexOf(';')];
            for (var i = 0; i < 20; i++)
            {
                using var r = LbApi.Get(port);
                r.Headers.Add("Cookie", "other=1; " + cookie);
                using var response = await client.SendAsync(r);
                Assert.Equal(member, await response.Content.ReadAsStringAsync());
                // The client already has the right cookie: it is not set again.
                Assert.False(response.Headers.Contains("Set-Cookie"));
            }
            // Without the cookie, round robin spreads the requests again.
            var seen = new HashSet<string>();
            for (var i = 0; i < 6; i++)
            {
                seen.Add(await client.WhoAsync(port));
            }
            Assert.Equal(3, seen.Count);
            // A forged value is ignored: balanced afresh and given a real cookie.
            using var forged = LbApi.Get(port);
            forged.Headers.Add("Cookie", "fulcrum_ci=AAAAAAAAAAAAAAAAAAAA");
            using var forgedResponse = await client.SendAsync(forged);
            Assert.StartsWith("fulcrum_ci=", Assert.Single(forgedResponse.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task CookieInsert_SessionCookie_ACookieContainerClientSticks()
    {
        var be = await StartAsync("cs-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"ck-sess","method":"cookie","cookieMethod":"insert"}""");
            var port = await SetupAsync("cs", be, "\"tcp\",\"http\"", "ck-sess");
            var jar = new CookieContainer();
            using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = jar, PooledConnectionLifetime = TimeSpan.Zero });
            using var first = await client.SendAsync(LbApi.Get(port));
            var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
            Assert.DoesNotContain("Max-Age", setCookie, StringComparison.Ordinal);
            Assert.DoesNotContain("Expires", setCookie, StringComparison.Ordinal);
            var member = await first.Content.ReadAsStringAsync();
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(member, await client.WhoAsync(port));
            }
            Assert.Equal(0, (await _f.Admin.PersistenceAsync("cs")).GetArrayLength()); // insert keeps no records
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task CookiePassive_TheServersSessionCookiePicksTheMember()
    {
        var be = await StartAsync("cp-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"ck-pas","method":"cookie","cookieMethod":"passive","cookieName":"JSESSIONID"}""");
            var port = await SetupAsync("cp", be, "\"tcp\",\"http\"", "ck-pas");
            var jar = new CookieContainer();
            using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = jar, PooledConnectionLifetime = TimeSpan.Zero });
            var member = await client.WhoAsync(port, "/set/JSESSIONID");
            var value = jar.GetCookies(new Uri($"http://127.0.0.1:{port}/"))["JSESSIONID"]!.Value;
            Assert.StartsWith(member + "-", value, StringComparison.Ordinal); // passed through untouched
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(member, await client.WhoAsync(port));
            }
            var record = Assert.Single((await _f.Admin.PersistenceAsync("cp")).EnumerateArray());
            Assert.Equal(value, record.GetProperty("key").GetString());
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task CookieRewrite_TheServersCookieValueIsReplacedByOurs()
    {
        var be = await StartAsync("cr-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"ck-rw","method":"cookie","cookieMethod":"rewrite","cookieName":"SRV"}""");
            var port = await SetupAsync("cr", be, "\"tcp\",\"http\"", "ck-rw");
            using var client = LbApi.FreshClient();
            using var first = await client.SendAsync(LbApi.Get(port, "/set/SRV"));
            var member = await first.Content.ReadAsStringAsync();
            var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
            Assert.Matches(@"^SRV=[A-Za-z0-9_-]{20}; path=/; httponly$", setCookie.Replace("Path", "path", StringComparison.Ordinal).Replace("HttpOnly", "httponly", StringComparison.Ordinal));
            Assert.DoesNotContain(member, setCookie, StringComparison.Ordinal);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(member, await client.WhoAsync(port, "/", r => r.Headers.Add("Cookie", setCookie[..setCookie.IndexOf(';')])));
            }
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task Hash_OnAHeader_EachKeyKeepsItsMember()
    {
        var be = await StartAsync("hp-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"hash-user","method":"hash","hashKey":"header:X-User"}""");
            var port = await SetupAsync("hp", be, "\"tcp\",\"http\"", "hash-user");
            using var client = LbApi.FreshClient();
            var firstPick = new Dictionary<string, string>();
            for (var round = 0; round < 5; round++)
            {
                foreach (var user in new[] { "alice", "bob", "carol", "dave" })
                {
                    var who = await client.WhoAsync(port, "/", r => r.Headers.Add("X-User", user));
                    Assert.Equal(firstPick.TryAdd(user, who) ? who : firstPick[user], who);
                }
            }
            Assert.Equal(4, (await _f.Admin.PersistenceAsync("hp")).GetArrayLength());
            Assert.True(firstPick.Values.Distinct().Count() >= 2);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task Fallback_ACookielessClientSticksByItsAddress()
    {
        var be = await StartAsync("fb-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"ck-fb","method":"cookie","cookieMethod":"insert"}""");
            var port = await SetupAsync("fb", be, "\"tcp\",\"http\"", "ck-fb\",\"fallbackPersistence\":\"source-addr");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(first, await client.WhoAsync(port));
            }
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task DisabledMemberKeepsItsPersistedClients_ForcedOfflineDoesNot()
    {
        var be = await StartAsync("st-", 3);
        try
        {
            var port = await SetupAsync("st", be, "\"tcp\",\"http\"", "source-addr");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            var member = be.Single(b => b.Name == first);
            await _f.Admin.MemberStateAsync("st", member.Port, "disabled");
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(first, await client.WhoAsync(port));
            }
            await _f.Admin.MemberStateAsync("st", member.Port, "forced-offline");
            var moved = await client.WhoAsync(port);
            Assert.NotEqual(first, moved);
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(moved, await client.WhoAsync(port)); // and the new choice is persisted
            }
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task MemberGoesDown_PersistedClientIsRebalanced()
    {
        var be = await StartAsync("dn-", 2);
        try
        {
            await DataPlaneApi.Ok(_f.Admin.Post("/api/v1/monitors", """{"name":"dn-mon","type":"http","interval":1,"timeout":2,"send":"GET /health HTTP/1.0\r\n\r\n","receive":"ok"}"""));
            var port = await SetupAsync("dn", be, "\"tcp\",\"http\"", "source-addr", ",\"monitors\":[\"dn-mon\"]");
            foreach (var b in be)
            {
                await _f.Admin.WaitMemberAsync("dn", b.Port, "up");
            }
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            var member = be.Single(b => b.Name == first);
            member.Healthy = false;
            await _f.Admin.WaitMemberAsync("dn", member.Port, "down");
            var moved = await client.WhoAsync(port);
            Assert.NotEqual(first, moved);
            member.Healthy = true;
            await _f.Admin.WaitMemberAsync("dn", member.Port, "up");
            Assert.Equal(moved, await client.WhoAsync(port)); // the record now names the new member
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task Timeout_TheRecordExpires()
    {
        var be = await StartAsync("to-", 2);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"sa-1s","method":"source-address","timeout":1}""");
            var port = await SetupAsync("to", be, "\"tcp\",\"http\"", "sa-1s");
            using var client = LbApi.FreshClient();
            await client.WhoAsync(port);
            Assert.Equal(1, (await _f.Admin.PersistenceAsync("to")).GetArrayLength());
            await Task.Delay(1500);
            Assert.Equal(0, (await _f.Admin.PersistenceAsync("to")).GetArrayLength());
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task MatchAcrossVirtuals_TwoVirtualsShareTheRecord()
    {
        var be = await StartAsync("mx-", 3);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"sa-across","method":"source-address","matchAcrossVirtuals":true}""");
            var port1 = await SetupAsync("mx", be, "\"tcp\",\"http\"", "sa-across");
            var port2 = await _f.Admin.VirtualAsync("mx2", "mx", "\"tcp\",\"http\"", ",\"persistence\":\"sa-across\"");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port1);
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(first, await client.WhoAsync(i % 2 == 0 ? port2 : port1));
            }
        }
        finally
        {
            await StopAsync(be);
        }
    }

    [Fact]
    public async Task OverrideConnectionLimit_APersistedClientPassesTheLimit()
    {
        var be = await StartAsync("ol-", 2);
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"sa-over","method":"source-address","overrideConnectionLimit":true}""");
            await _f.Admin.PoolJsonAsync("ol", be.Select(b => $"\"port\":{b.Port},\"connectionLimit\":1"));
            var port = await _f.Admin.VirtualAsync("ol", "ol", "\"tcp\",\"http\"", ",\"persistence\":\"sa-over\"");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            // Hold the member's one connection, then ask again: the persisted client still gets it.
            var hold = client.WhoAsync(port, "/hold/1500");
            await Task.Delay(300);
            Assert.Equal(first, await client.WhoAsync(port));
            Assert.Equal(first, await hold);
        }
        finally
        {
            await StopAsync(be);
        }
    }

    /// <summary>
    /// HAProxy's option redispatch: the persisted member refuses connections (stopped, no monitor has noticed), other
    /// members are up; with the pool's default (redispatch on, no reselect tries) the client goes to another member and
    /// the record names that one from then on.
    /// </summary>
    [Theory]
    [InlineData("\"tcp\"", "rd4")]
    [InlineData("\"tcp\",\"http\"", "rd7")]
    [InlineData("\"tcp\",\"http\",\"oneconnect\"", "rd7oc")]
    public async Task PersistedMemberRefuses_Redispatch_AnotherMemberAnswersAndTheRecordIsRelearnt(string profiles, string name)
    {
        var be = await StartAsync(name + "-", 3);
        LbBackend? stopped = null;
        try
        {
            var port = await SetupAsync(name, be, profiles, "source-addr");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            stopped = be.Single(b => b.Name == first);
            await stopped.DisposeAsync();

            var moved = await client.WhoAsync(port);

            Assert.NotEqual(first, moved);
            var record = Assert.Single((await _f.Admin.PersistenceAsync(name)).EnumerateArray());
            Assert.Equal($"127.0.0.1:{be.Single(b => b.Name == moved).Port}", record.GetProperty("member").GetString());
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(moved, await client.WhoAsync(port));
            }
        }
        finally
        {
            await StopAsync([.. be.Where(b => b != stopped)]);
        }
    }

    [Fact]
    public async Task PersistedMemberRefuses_CookieInsert_RedispatchedAndANewCookieIsSet()
    {
        var be = await StartAsync("rdc-", 3);
        LbBackend? stopped = null;
        try
        {
            await _f.Admin.ProfileAsync("persistence", """{"name":"ck-rd","method":"cookie","cookieMethod":"insert"}""");
            var port = await SetupAsync("rdc", be, "\"tcp\",\"http\"", "ck-rd");
            using var client = LbApi.FreshClient();
            using var firstResponse = await client.SendAsync(LbApi.Get(port));
            var first = await firstResponse.Content.ReadAsStringAsync();
            var setCookie = Assert.Single(firstResponse.Headers.GetValues("Set-Cookie"));
            var cookie = setCookie[..setCookie.IndexOf(';')];
            stopped = be.Single(b => b.Name == first);
            await stopped.DisposeAsync();

            using var request = LbApi.Get(port);
            request.Headers.Add("Cookie", cookie);
            using var moved = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            var second = await moved.Content.ReadAsStringAsync();
            Assert.NotEqual(first, second);
            var newCookie = Assert.Single(moved.Headers.GetValues("Set-Cookie"));
            using var again = LbApi.Get(port);
            again.Headers.Add("Cookie", newCookie[..newCookie.IndexOf(';')]);
            using var stays = await client.SendAsync(again);
            Assert.Equal(second, await stays.Content.ReadAsStringAsync());
        }
        finally
        {
            await StopAsync([.. be.Where(b => b != stopped)]);
        }
    }

    [Theory]
    [InlineData("\"tcp\"", "rdoff4")]
    [InlineData("\"tcp\",\"http\"", "rdoff7")]
    public async Task PersistedMemberRefuses_RedispatchOff_TheClientStaysPinned(string profiles, string name)
    {
        var be = await StartAsync(name + "-", 2);
        LbBackend? stopped = null;
        try
        {
            // Even with reselect tries, a strict pool retries the persisted member and never breaks persistence.
            var port = await SetupAsync(name, be, profiles, "source-addr", ",\"redispatch\":false,\"reselectTries\":2");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            var member = be.Single(b => b.Name == first);
            stopped = member;
            await stopped.DisposeAsync();

            if (profiles.Contains("http", StringComparison.Ordinal))
            {
                using var response = await client.SendAsync(LbApi.Get(port));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }
            else
            {
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.WhoAsync(port));
            }
            var record = Assert.Single((await _f.Admin.PersistenceAsync(name)).EnumerateArray());
            Assert.Equal($"127.0.0.1:{member.Port}", record.GetProperty("member").GetString());
            Assert.Equal(0, be.Single(b => b != member).Requests);
        }
        finally
        {
            await StopAsync([.. be.Where(b => b != stopped)]);
        }
    }

    [Fact]
    public async Task TheTableSurvivesAnUnrelatedConfigChange()
    {
        var be = await StartAsync("sv-", 3);
        try
        {
            var port = await SetupAsync("sv", be, "\"tcp\",\"http\"", "source-addr");
            using var client = LbApi.FreshClient();
            var first = await client.WhoAsync(port);
            await _f.Admin.PoolJsonAsync("sv-other", [$"\"port\":{be[0].Port}"]);
            await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/pools/sv-other", """{"loadBalancingMode":"least-connections"}"""));
            await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/pools/sv", """{"description":"edited"}"""));
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(first, await client.WhoAsync(port));
            }
        }
        finally
        {
            await StopAsync(be);
        }
    }
}
