using System.Globalization;
using Fulcrum.Appliance.Cluster;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.DataPlane.Support;

namespace Fulcrum.Tests.Cluster;

/// <summary>keepalived itself accepts what the generator writes (<c>keepalived -t</c>, in a namespace with a veth <c>eth1</c>).</summary>
public sealed class KeepalivedSyntaxTests
{
    private static readonly string Ns = "fha-t" + (Environment.ProcessId % 10000).ToString(CultureInfo.InvariantCulture);

    [KeepalivedFact]
    public async Task Render_VrrpV2AuthAndV6_And_VrrpV3Fraction_AcceptedByKeepalivedConfigTest()
    {
        Assert.True(File.Exists(KeepalivedFactAttribute.Binary), "this test needs keepalived (apt-get install keepalived)");
        var config = FulcrumConfig.Default with
        {
            Virtuals = [new VirtualServer { Name = "www", Destination = "10.152.7.10:80" }, new VirtualServer { Name = "v6", Destination = "[fd52::10]:80" }],
        };
        var v2 = new KeepalivedSettings { Interface = "eth1", RouterId = 51, Priority = 150, State = "MASTER", AuthPass = "s3cret", FulcrumCommand = "/usr/bin/fulcrum", CheckScript = "/usr/lib/fulcrum/fulcrum-check.sh", DataDir = "/var/lib/fulcrum" };
        var v3 = v2 with { AuthPass = null, AdvertInt = 0.2m, State = "BACKUP", Priority = 100 };
        using var dir = new TempDir();
        await Shell.Run(false, "ip", "netns", "del", Ns);
        try
        {
            await Shell.Run("ip", "netns", "add", Ns);
            await Shell.Run("ip", "-n", Ns, "link", "add", "eth1", "type", "veth", "peer", "name", "eth2");
            await Shell.Run("ip", "-n", Ns, "link", "set", "eth1", "up");
            foreach (var (name, settings) in new[] { ("v2", v2), ("v3", v3) })
            {
                var file = Path.Combine(dir.Path, name + ".conf");
                await File.WriteAllTextAsync(file, KeepalivedConfig.Render(settings, config, 3));
                var output = await Shell.Run("ip", "netns", "exec", Ns, KeepalivedFactAttribute.Binary, "-t", "-f", file);
                Assert.DoesNotContain("WARNING", output, StringComparison.Ordinal);
            }

            // The check is real: keepalived refuses a broken file.
            var broken = Path.Combine(dir.Path, "broken.conf");
            await File.WriteAllTextAsync(broken, KeepalivedConfig.Render(v2, config, 3).Replace("auth_type PASS", "auth_type NOPE", StringComparison.Ordinal));
            await Assert.ThrowsAsync<InvalidOperationException>(() => Shell.Run("ip", "netns", "exec", Ns, KeepalivedFactAttribute.Binary, "-t", "-f", broken));
        }
        finally
        {
            await Shell.Run(false, "ip", "netns", "del", Ns);
        }
    }
}
