using Fulcrum.Appliance.Health;
using Fulcrum.Appliance.Health.Probes;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Tests.Health;

public sealed class CompiledMonitorTests
{
    [Theory]
    [InlineData("GET / HTTP/1.0\\r\\n\\r\\n", "GET / HTTP/1.0\r\n\r\n")]
    [InlineData("GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.0\r\n\r\n")]
    [InlineData("a\\tb\\\\n", "a\tb\\n")]
    [InlineData("trailing\\", "trailing\\")]
    [InlineData("\\x", "\\x")]
    public void Unescape_TurnsTypedEscapesIntoCharacters(string typed, string sent) => Assert.Equal(sent, CompiledMonitor.Unescape(typed));

    [Fact]
    public void Http_WithoutSend_UsesTheDefaultRequest() =>
        Assert.Equal("GET / HTTP/1.0\r\n\r\n", new CompiledMonitor(new Monitor { Name = "h", Type = "http" }).SendText);

    [Theory]
    [InlineData(null, null, new int[0], 200, "body", "Up")]
    [InlineData(null, null, new int[0], 302, "body", "Up")]
    [InlineData(null, null, new int[0], 503, "body", "Down:http: status 503 not expected")]
    [InlineData("ok", null, new int[0], 200, "not it", "Down:http: receive string not found")]
    [InlineData("ok", "maint", new int[0], 503, "maint", "Disabled:http: receive-disable string matched")]
    [InlineData("ok", "maint", new int[0], 200, "ok maint", "Up")]
    [InlineData(null, "maint", new int[0], 200, "maint", "Disabled:http: receive-disable string matched")]
    [InlineData(null, null, new[] { 503 }, 503, "x", "Up")]
    [InlineData(null, null, new[] { 503 }, 200, "x", "Down:http: status 200 not expected")]
    public void Judge_FollowsStatusThenReceiveThenReceiveDisable(string? receive, string? disable, int[] expected, int status, string answer, string verdict)
    {
        var m = new CompiledMonitor(new Monitor { Name = "h", Type = "http", Receive = receive, ReceiveDisable = disable, ExpectedStatusCodes = [.. expected] });
        var r = m.Judge(answer, status);
        Assert.Equal(verdict, r.Reason is null ? r.Outcome.ToString() : $"{r.Outcome}:{r.Reason}");
    }

    [Fact]
    public void Judge_CatastrophicPattern_TimesOutAsNoMatch()
    {
        var m = new CompiledMonitor(new Monitor { Name = "t", Type = "tcp", Receive = "^(a+)+$" });
        Assert.Equal(ProbeOutcome.Down, m.Judge(new string('a', 5000) + "!").Outcome);
    }

    [Theory]
    [InlineData("*:*", "10.0.0.1:80", "10.0.0.1:80")]
    [InlineData("*:8080", "10.0.0.1:80", "10.0.0.1:8080")]
    [InlineData("10.9.9.9:443", "10.0.0.1:80", "10.9.9.9:443")]
    public void Resolve_AppliesTheDestinationAlias(string destination, string member, string probed) =>
        Assert.Equal(System.Net.IPEndPoint.Parse(probed), new CompiledMonitor(new Monitor { Name = "t", Type = "tcp", Destination = destination }).Resolve(System.Net.IPEndPoint.Parse(member)));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok", false)]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\n\r\nuntil close", false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Len", false)]
    public void HttpExchange_KnowsWhenTheAnswerIsComplete(string text, bool complete) => Assert.Equal(complete, HttpExchange.IsComplete(text));

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n", "www.example.test")]
    [InlineData("GET / HTTP/1.1\r\nhost: a.test:8443\r\n\r\n", "a.test")]
    [InlineData("GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n", "")]
    [InlineData("GET / HTTP/1.0\r\n\r\n", "")]
    public void Https_ServerNameComesFromTheHostHeader(string send, string sni) => Assert.Equal(sni, HttpExchange.ServerName(send));
}
