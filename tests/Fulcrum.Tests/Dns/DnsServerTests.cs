using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fulcrum.Tests.Dns.Wire;
using Fulcrum.Tests.Health;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Dns;

/// <summary>The real appliance answering dig over UDP and TCP from wide IPs (docs/DNS.md).</summary>
public sealed class DnsServerTests
{
    internal static async Task<(ApplianceProcess App, ApiClient Api, int Port)> StartAsync(TempDir dir, string wideIps, string names, int? rateLimit = 0, string? pools = null)
    {
        var app = await ApplianceProcess.StartAsync(dir.Path);
        var api = app.Client();
        if (pools is not null)
        {
            Assert.Equal(201, (await api.Post("/api/v1/pools", pools)).Code);
        }
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"web","members":[{"address":"10.0.0.1","port":80,"ratio":3},{"address":"10.0.0.2","port":80,"ratio":1}]}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"eu","members":[{"address":"10.1.0.1","port":80}]}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", """{"name":"many","members":[""" + string.Join(',', Enumerable.Range(1, 60).Select(i => $$"""{"address":"10.2.0.{{i}}","port":80}""")) + "]}")).Code);
        foreach (var w in wideIps.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var r = await api.Post("/api/v1/wideips", w);
            Assert.True(r.Code == 201, r.Text);
        }
        var port = FreePort.Next();
        var rrl = rateLimit is null ? "" : $",\"responseRateLimit\":{rateLimit}";
        var v = await api.Post("/api/v1/virtuals", $$"""{"name":"gslb","destination":"127.0.0.1:{{port}}","type":"dns","profiles":[],"sourceAddressTranslation":"none","wideIps":[{{names}}]{{rrl}}}""");
        Assert.True(v.Code == 201, v.Text);
        var sw = Stopwatch.StartNew();
        while ((await api.Get("/api/v1/status")).Json.GetProperty("dns").EnumerateArray().All(d => d.GetProperty("state").GetString() != "listening"))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "dns virtual not listening");
            await Task.Delay(50);
        }
        return (app, api, port);
    }

    internal static async Task<JsonElement> DnsStatus(ApiClient api) => (await api.Get("/api/v1/status")).Json.GetProperty("dns")[0];

    [Fact]
    public async Task Dig_UdpAndTcp_AnswersNxdomainWithSoa_RefusesOutsideZones_RatioAndTopologyDistributions()
    {
        using var dir = new TempDir();
        var (app, api, port) = await StartAsync(dir,
            """
            {"name":"www.example.com","type":"A","pools":["web"],"ttl":30,"method":"ratio"}
            {"name":"geo.example.com","pools":["web","eu"],"method":"topology","topology":[{"subnet":"192.0.2.0/24","pool":"eu"}]}
            {"name":"alias.example.com","type":"CNAME","pools":["eu"],"cnames":{"eu":"eu.cdn.example.net"}}
            """, "\"www.example.com\",\"geo.example.com\",\"alias.example.com\"");
        await using var _ = app;
        using var __ = api;

        var udp = await Dig.RunAsync(port, "www.example.com", "A");
        Assert.Contains("status: NOERROR", udp);
        Assert.Contains("flags: qr aa rd", udp);
        Assert.Matches(@"www\.example\.com\.\s+30\s+IN\s+A\s+10\.0\.0\.[12]", udp);
        var tcp = await Dig.RunAsync(port, "+tcp", "WWW.Example.COM", "A");
        Assert.Contains("status: NOERROR", tcp);
        Assert.Matches(@"WWW\.Example\.COM\.\s+30\s+IN\s+A\s+10\.0\.0\.[12]", tcp);

        var nx = await Dig.RunAsync(port, "nope.example.com", "A");
        Assert.Contains("status: NXDOMAIN", nx);
        Assert.Matches(@"example\.com\.\s+\d+\s+IN\s+SOA\s+ns\.example\.com\. hostmaster\.example\.com\.", nx);
        var nodata = await Dig.RunAsync(port, "www.example.com", "AAAA");
        Assert.Contains("status: NOERROR", nodata);
        Assert.Contains("ANSWER: 0", nodata);
        Assert.Contains("AUTHORITY: 1", nodata);
        Assert.Contains("status: REFUSED", await Dig.RunAsync(port, "www.example.org", "A"));
        Assert.Equal(["eu.cdn.example.net."], await Dig.ShortAsync(port, "alias.example.com", "A"));

        // Ratio 3:1 over 200 queries.
        var answers = await Dig.BatchAsync(port, Enumerable.Repeat($"www.example.com A", 200));
        Assert.Equal(200, answers.Length);
        Assert.Equal(150, answers.Count(a => a == "10.0.0.1"));
        Assert.Equal(50, answers.Count(a => a == "10.0.0.2"));

        // Topology by ECS: the 192.0.2.0/24 clients get the eu pool, others the rest round robin.
        var eu = await Dig.BatchAsync(port, Enumerable.Repeat("geo.example.com A +subnet=192.0.2.0/24", 50));
        Assert.All(eu, a => Assert.Equal("10.1.0.1", a));
        Assert.Equal(50, eu.Length);
        var elsewhere = await Dig.BatchAsync(port, Enumerable.Repeat("geo.example.com A +subnet=198.51.100.0/24", 60));
        Assert.Equal(60, elsewhere.Length);
        Assert.Equal(20, elsewhere.Count(a => a == "10.1.0.1"));
        var scoped = await Dig.RunAsync(port, "geo.example.com", "A", "+subnet=192.0.2.0/24");
        Assert.Contains("CLIENT-SUBNET: 192.0.2.0/24/24", scoped);

        var s = await DnsStatus(api);
        Assert.True(s.GetProperty("queries").GetInt64() >= 316);
        Assert.True(s.GetProperty("tcpQueries").GetInt64() >= 1);
        Assert.True(s.GetProperty("nxDomain").GetInt64() >= 1);
        Assert.True(s.GetProperty("refused").GetInt64() >= 1);
        Assert.True(s.GetProperty("answers").GetProperty("A").GetInt64() >= 310);
        Assert.True(s.GetProperty("answers").GetProperty("CNAME").GetInt64() >= 1);
        var metrics = (await api.Get("/metrics")).Text;
        Assert.Contains("fulcrum_dns_queries_total{virtual=\"gslb\"}", metrics);
        Assert.Contains("fulcrum_dns_answers_total{virtual=\"gslb\",type=\"A\"}", metrics);
    }

    [Fact]
    public async Task Dig_ConsistentHash_StickyPerClientSubnet_AndAaaa()
    {
        using var dir = new TempDir();
        var (app, api, port) = await StartAsync(dir,
            """
            {"name":"sticky.example.com","pools":["many"],"method":"consistent-hash"}
            {"name":"v6.example.com","type":"AAAA","pools":["six"],"method":"least-connections"}
            """, "\"sticky.example.com\",\"v6.example.com\"", pools: """{"name":"six","members":[{"address":"2001:db8::5","port":80}]}""");
        await using var _ = app;
        using var __ = api;

        var distinct = new HashSet<string>();
        for (var net = 1; net <= 5; net++)
        {
            var answers = await Dig.BatchAsync(port, Enumerable.Repeat($"sticky.example.com A +subnet=198.51.{net}.0/24", 10));
            Assert.Equal(10, answers.Length);
            Assert.Single(answers.Distinct());
            distinct.Add(answers[0]);
        }
        Assert.True(distinct.Count >= 2, "five client networks all hashed to one member");
        Assert.Equal(["2001:db8::5"], await Dig.ShortAsync(port, "v6.example.com", "AAAA"));
        Assert.Equal(["2001:db8::5"], await Dig.ShortAsync(port, "+tcp", "v6.example.com", "AAAA"));
    }

    [Fact]
    public async Task Dig_LargeAnswer_TruncatedOverUdpWithoutEdns_FitsTheEdnsSize_WholeOverTcp()
    {
        using var dir = new TempDir();
        var (app, api, port) = await StartAsync(dir, """{"name":"big.example.com","pools":["many"],"maxAnswers":32}""", "\"big.example.com\"");
        await using var _ = app;
        using var __ = api;

        // 32 A records are 12 + 21 + 32 × 16 = 545 bytes: over 512.
        var plain = await Dig.RunAsync(port, "big.example.com", "A", "+noedns", "+ignore");
        Assert.Contains("flags: qr aa tc rd", plain);
        Assert.Contains("ANSWER: 0", plain);
        var small = await Dig.RunAsync(port, "big.example.com", "A", "+bufsize=512", "+ignore");
        Assert.Contains(" tc ", small);
        var edns = await Dig.RunAsync(port, "big.example.com", "A", "+bufsize=1232");
        Assert.DoesNotContain(" tc ", edns);
        Assert.Contains("ANSWER: 32", edns);
        Assert.Matches(@"MSG SIZE\s+rcvd: (\d+)", edns);
        // Without +ignore dig retries over TCP on TC and gets every record.
        var fallback = await Dig.RunAsync(port, "big.example.com", "A", "+noedns");
        Assert.Contains("ANSWER: 32", fallback);
        Assert.True((await DnsStatus(api)).GetProperty("truncated").GetInt64() >= 2);
    }

    [Fact]
    public async Task Dig_AnswersFollowMemberHealth_WithinOneMonitorInterval()
    {
        using var dir = new TempDir();
        await using var server = new TestHttpServer();
        await using var app = await ApplianceProcess.StartAsync(dir.Path);
        using var api = app.Client();
        Assert.Equal(201, (await api.Post("/api/v1/monitors", """{"name":"m","type":"tcp","interval":1,"timeout":3}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/pools", $$"""{"name":"live","monitors":["m"],"members":[{"address":"127.0.0.1","port":{{server.Port}}}]}""")).Code);
        Assert.Equal(201, (await api.Post("/api/v1/wideips", """{"name":"live.example.com","pools":["live"],"ttl":1,"fallback":"192.0.2.99"}""")).Code);
        var port = FreePort.Next();
        Assert.Equal(201, (await api.Post("/api/v1/virtuals", $$"""{"name":"gslb","destination":"127.0.0.1:{{port}}","type":"dns","profiles":[],"sourceAddressTranslation":"none","wideIps":["live.example.com"]}""")).Code);

        var sw = Stopwatch.StartNew();
        while (!(await Dig.ShortAsync(port, "live.example.com", "A")).SequenceEqual(["127.0.0.1"]))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "never answered with the member");
            await Task.Delay(100);
        }
        server.Stop();
        TimeSpan? statusDown = null, dnsDown = null;
        sw.Restart();
        while (statusDown is null || dnsDown is null)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"status down {statusDown}, dns fallback {dnsDown}");
            if (dnsDown is null && (await Dig.ShortAsync(port, "live.example.com", "A")).SequenceEqual(["192.0.2.99"]))
            {
                dnsDown = sw.Elapsed;
            }
            var member = (await api.Get("/api/v1/status")).Json.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "live").GetProperty("members")[0];
            if (statusDown is null && member.GetProperty("status").GetString() == "down")
            {
                statusDown = sw.Elapsed;
            }
            await Task.Delay(50);
        }
        Assert.True((dnsDown.Value - statusDown.Value).Duration() <= TimeSpan.FromSeconds(1), $"status down at {statusDown}, dns fallback at {dnsDown}");
        Assert.True((await DnsStatus(api)).GetProperty("fallback").GetInt64() >= 1);

        server.Start();
        sw.Restart();
        while (!(await Dig.ShortAsync(port, "live.example.com", "A", "+tcp")).SequenceEqual(["127.0.0.1"]))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), "member never came back in the answers");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Fuzzer_1000MalformedQueries_GetNoAnswer_AreCounted_AndTheServerGoesOn()
    {
        using var dir = new TempDir();
        var (app, api, port) = await StartAsync(dir, """{"name":"www.example.com","pools":["web"]}""", "\"www.example.com\"");
        await using var _ = app;
        using var __ = api;

        var random = new Random(1019);
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Connect(IPAddress.Loopback, port);
        for (var i = 0; i < 1000; i++)
        {
            udp.Send(Malformed(random, i));
            if (i % 50 == 49)
            {
                // Paced so the kernel's receive buffer, not the server, is never the one that drops them.
                await Task.Delay(20);
            }
        }
        await Task.Delay(200);
        Assert.Equal(0, udp.Available);
        var sw = Stopwatch.StartNew();
        JsonElement s;
        while ((s = await DnsStatus(api)).GetProperty("malformed").GetInt64() < 1000)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), s.ToString());
            await Task.Delay(50);
        }
        Assert.Equal(1000, s.GetProperty("malformed").GetInt64());
        Assert.Equal(0, s.GetProperty("queries").GetInt64());
        Assert.Equal(["10.0.0.1", "10.0.0.2"], (await Dig.BatchAsync(port, ["www.example.com A", "www.example.com A"])).Order());
        Assert.Contains("status: NOERROR", await Dig.RunAsync(port, "+tcp", "www.example.com"));
        Assert.Contains("fulcrum_dns_malformed_total{virtual=\"gslb\",reason=\"bad-pointer\"}", (await api.Get("/metrics")).Text);
    }

    /// <summary>A query broken in one of the ways a strict parser must refuse, chosen in turn.</summary>
    private static byte[] Malformed(Random random, int i)
    {
        var good = DnsPacket.Query("www.example.com", ar: 1).Opt(options: DnsPacket.Ecs(1, 24, 0, 10, 1, 2)).ToArray();
        return (i % 8) switch
        {
            0 => good[..random.Next(good.Length)],
            1 => DnsPacket.Query("www.example.com", flags: 0x8000).ToArray(),
            2 => DnsPacket.Query("www.example.com", qd: (ushort)random.Next(2, 9)).ToArray(),
            3 => DnsPacket.Query(new string('a', 64) + ".example.com").ToArray(),
            4 => DnsPacket.Query("www.example.com", ar: 1).U8(1).U8((byte)'x').U16(0xC000 | 33).U16(16).U16(1).U32(0).U16(0).ToArray(),
            5 => [.. good, (byte)random.Next(256)],
            6 => DnsPacket.Query("www.example.com", ar: 1).Opt(options: DnsPacket.Ecs(1, 20, 0, 1, 2, 0xFF)).ToArray(),
            _ => DnsPacket.Query(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))).ToArray(),
        };
    }

    [Fact]
    public async Task ResponseRateLimit_Engages_DropsAndSlips_TcpStillAnswers()
    {
        using var dir = new TempDir();
        var (app, api, port) = await StartAsync(dir, """{"name":"www.example.com","pools":["web"]}""", "\"www.example.com\"", rateLimit: 10);
        await using var _ = app;
        using var __ = api;

        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Connect(IPAddress.Loopback, port);
        var query = DnsPacket.Query("www.example.com").ToArray();
        for (var i = 0; i < 100; i++)
        {
            udp.Send(query);
        }
        var full = 0;
        var truncated = 0;
        var buffer = new byte[1500];
        udp.ReceiveTimeout = 500;
        try
        {
            while (true)
            {
                var n = udp.Receive(buffer);
                if ((buffer[2] & 0x02) != 0)
                {
                    truncated++;
                    Assert.Equal(0, (buffer[6] << 8) | buffer[7]);
                }
                else
                {
                    full++;
                }
            }
        }
        catch (SocketException)
        {
        }
        Assert.InRange(full, 10, 20);
        Assert.InRange(truncated, 35, 50);
        var s = await DnsStatus(api);
        Assert.True(s.GetProperty("rateLimited").GetInt64() >= 80, s.ToString());
        Assert.Contains("status: NOERROR", await Dig.RunAsync(port, "+tcp", "www.example.com"));
    }
}
