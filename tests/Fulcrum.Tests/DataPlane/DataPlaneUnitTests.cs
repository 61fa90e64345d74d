using System.Net;
using Fulcrum.Appliance.DataPlane.Logging;
using Fulcrum.Appliance.DataPlane.OneConnect;
using Fulcrum.Appliance.DataPlane.Pipeline;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Tests.DataPlane;

/// <summary>The small pure pieces of the data plane: address sets, source masks, the exposition format, log formats.</summary>
public sealed class DataPlaneUnitTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.200.3.4", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.0/25", "192.168.1.127", true)]
    [InlineData("192.168.1.0/25", "192.168.1.128", false)]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    public void CidrSet_Contains(string cidr, string address, bool expected) =>
        Assert.Equal(expected, new CidrSet([cidr]).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.1.2.3", "0.0.0.0", "0.0.0.0")]
    [InlineData("10.1.2.3", "255.255.255.0", "10.1.2.0")]
    [InlineData("10.1.2.3", "255.255.255.255", "10.1.2.3")]
    [InlineData("::ffff:10.1.2.3", "255.255.0.0", "10.1.0.0")]
    public void SourceMask_Apply(string client, string mask, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), SourceMask.Apply(IPAddress.Parse(client), mask));

    [Fact]
    public void PrometheusText_EscapesLabelsAndHelp()
    {
        var text = new PrometheusText();
        text.Family("fulcrum_x_total", "counter", "a \\ b\nc");
        text.Sample("fulcrum_x_total", 3, ("virtual", "we\"ird\\na\nme"));
        Assert.Equal("# HELP fulcrum_x_total a \\\\ b\\nc\n# TYPE fulcrum_x_total counter\nfulcrum_x_total{virtual=\"we\\\"ird\\\\na\\nme\"} 3\n", text.ToString());
    }

    [Fact]
    public void AccessLogFormat_WritesHaproxyStyleFields()
    {
        var format = new AccessLogFormat("%ci:%cp %f %b/%s %Tc/%Tr/%Ta %ST %B %ts \"%r\" 100%%");
        var line = System.Text.Encoding.ASCII.GetBytes("GET /x HTTP/1.1");
        var entry = new AccessLogEntry(format, DateTimeOffset.UnixEpoch, new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.9"), 5555), "www", "web", "10.0.0.1:80",
            1, 2, 3, 200, 42, TerminationCause.ServerClosed, line, line.Length);
        using var w = new StringWriter();
        format.Write(w, entry);
        Assert.Equal("10.0.0.9:5555 www web/10.0.0.1:80 1/2/3 200 42 sD \"GET /x HTTP/1.1\" 100%\n", w.ToString());
        Assert.True(AccessLogFormat.IsValid(AccessLogFormat.Default, out _));
        Assert.False(AccessLogFormat.IsValid("%ci %zz", out var unknown));
        Assert.Equal("%zz", unknown);
    }

    [Fact]
    public void TerminationCauses_HaveANameAndACodeEach()
    {
        Assert.Equal(TerminationCauses.Count, TerminationCauses.Names.Length);
        Assert.Equal(TerminationCauses.Count, TerminationCauses.Codes.Length);
        Assert.Equal(TerminationCauses.Count, Enum.GetValues<TerminationCause>().Length);
        Assert.Equal(TerminationCauses.Names.Length, TerminationCauses.Names.Distinct().Count());
    }
}
