using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Tests.Config;

/// <summary>performance-l4 virtual servers: validation refuses what the forwarder cannot do, naming the field.</summary>
public sealed class PacketModeValidationTests
{
    private static readonly Pool Pool80 = new() { Name = "p", Members = [new PoolMember { Address = "10.9.2.2", Port = 80 }, new PoolMember { Address = "10.9.2.3", Port = 80 }] };
    private static readonly Pool Pool8080 = new() { Name = "q", Members = [new PoolMember { Address = "10.9.2.2", Port = 8080 }] };

    private static VirtualServer L4(Func<VirtualServer, VirtualServer>? edit = null)
    {
        var v = new VirtualServer { Name = "l4", Destination = "10.9.1.100:80", Type = VirtualServerTypes.PerformanceL4, Pool = "p", Profiles = [], ClientInterface = "eth0" };
        return edit is null ? v : edit(v);
    }

    private static Dictionary<string, string> Errors(params VirtualServer[] virtuals)
    {
        var config = FulcrumConfig.Default with
        {
            Pools = [Pool80, Pool8080, new Pool { Name = "rs", ServiceDownAction = ServiceDownActions.Reselect, Members = [new PoolMember { Address = "10.9.2.2", Port = 80 }] }],
            Virtuals = [.. virtuals],
        };
        return new ConfigValidator().Validate(config).GroupBy(e => e.Path).ToDictionary(g => g.Key, g => string.Join(" | ", g.Select(e => e.Message)));
    }

    [Fact]
    public void NatWithAClientInterface_IsValid_AndTcpOrUdp()
    {
        Assert.Empty(Errors(L4()));
        Assert.Empty(Errors(L4(v => v with { Protocol = "udp", Forwarding = "nat", ServerInterface = "eth1", ConnectionLimit = 1000 })));
        Assert.Empty(Errors(L4(v => v with { Forwarding = "dr", ServerInterface = "eth0" })));
        Assert.Empty(Errors(L4(v => v with { Forwarding = "tun", ServerInterface = "eth1" })));
        Assert.Empty(Errors(L4(v => v with { Forwarding = "fullnat", ServerInterface = "eth1", SnatPool = ["10.9.2.50"] })));
    }

    [Fact]
    public void Tun_NeedsMembersOnTheVirtualsPort()
    {
        var e = Errors(L4(v => v with { Forwarding = "tun", Pool = "q" }));
        Assert.Contains("10.9.2.2:8080", e["virtuals/l4/pool"]);
    }

    [Fact]
    public void MissingOrBadFields_AreRefusedByName()
    {
        var e = Errors(
            L4(v => v with { Name = "a", ClientInterface = null }),
            L4(v => v with { Name = "b", Destination = "10.9.1.101:80", Forwarding = "bogus", ServerInterface = "has space" }),
            L4(v => v with { Name = "c", Destination = "[2001:db8::1]:80" }));
        Assert.Contains("interface", e["virtuals/a/clientInterface"]);
        Assert.Contains("bogus", e["virtuals/b/forwarding"]);
        Assert.Contains("interface name", e["virtuals/b/serverInterface"]);
        Assert.Contains("IPv4", e["virtuals/c/destination"]);
    }

    [Fact]
    public void Dr_NeedsTheSharedSegmentDeclared_AndMembersOnTheVirtualsPort()
    {
        var e = Errors(L4(v => v with { Forwarding = "dr" }), L4(v => v with { Name = "d2", Destination = "10.9.1.100:81", Forwarding = "dr", ServerInterface = "eth0", Pool = "q" }));
        Assert.Contains("L2 segment", e["virtuals/l4/serverInterface"]);
        Assert.Contains("10.9.2.2:8080", e["virtuals/d2/pool"]);
    }

    [Fact]
    public void FullProxyFeatures_AreRefused_OnPacketMode()
    {
        var e = Errors(
            L4(v => v with { Name = "a", Profiles = ["http"] }),
            L4(v => v with { Name = "b", Destination = "10.9.1.100:81", Pool = "rs", ServerSideTcp = "tcp", Persistence = "cookie" }),
            L4(v => v with { Name = "c", Destination = "10.9.1.100:82", SourceAddressTranslation = "snat", SnatPool = ["10.9.2.9"] }));
        Assert.Contains("http profile", e["virtuals/a/profiles"]);
        Assert.Contains("reselect", e["virtuals/b/pool"]);
        Assert.Contains("tcp profile", e["virtuals/b/serverSideTcp"]);
        Assert.Contains("full proxy", e["virtuals/b/persistence"]);
        Assert.Contains("fullnat", e["virtuals/c/sourceAddressTranslation"]);
        Assert.Contains("fullnat", e["virtuals/c/snatPool"]);
    }

    [Fact]
    public void FullNatWithoutSnatPool_IsRefused_AndPacketFieldsOnAStandardVirtual()
    {
        var e = Errors(
            L4(v => v with { Name = "f", Destination = "10.9.1.100:81", Forwarding = "fullnat" }),
            new VirtualServer { Name = "s", Destination = "127.0.0.1:9000", Pool = "p", Forwarding = "nat", ClientInterface = "eth0" });
        Assert.False(e.ContainsKey("virtuals/f/forwarding"));
        Assert.Contains("snatPool", e["virtuals/f/snatPool"]);
        Assert.Contains("performance-l4", e["virtuals/s/forwarding"]);
        Assert.Contains("performance-l4", e["virtuals/s/clientInterface"]);
    }
}
