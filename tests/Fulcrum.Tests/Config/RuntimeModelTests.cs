using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Tests.Config;

public sealed class RuntimeModelTests
{
    /// <summary>Every object of generation N is stamped N: a snapshot that holds two stamps mixes generations.</summary>
    private static FulcrumConfig Stamped(int n) => FulcrumConfig.Default with
    {
        Pools = [.. Enumerable.Range(0, 3).Select(i => new Pool { Name = $"p{i}", Description = $"g{n}", Members = [new PoolMember { Address = "10.0.0.1", Port = n }] })],
        Virtuals = [.. Enumerable.Range(0, 3).Select(i => new VirtualServer { Name = $"v{i}", Description = $"g{n}", Destination = $"127.0.0.{1 + i}:{n}", Pool = $"p{i}" })],
    };

    [Fact]
    public void Compile_AVirtualsPoolIsItsOwnGenerations_NotAnEarlierOne()
    {
        var first = RuntimeCompiler.Compile(1, Stamped(1));
        var second = RuntimeCompiler.Compile(2, Stamped(2));

        foreach (var (s, stamp) in new[] { (first, "g1"), (second, "g2") })
        {
            foreach (var v in s.Virtuals.Values)
            {
                Assert.Same(s.Pools[v.Config.Pool!], v.Pool);
                Assert.Equal(stamp, v.Config.Description);
                Assert.Equal(stamp, v.Pool!.Config.Description);
            }
        }
        Assert.Equal(1, first.Pools["p0"].Members[0].EndPoint.Port);
    }

    [Fact]
    public void Publish_SwapsCurrentBeforeTellingSubscribers()
    {
        var model = new RuntimeModel();
        var seen = new List<(long Raised, long Current)>();
        model.Published += s => seen.Add((s.Generation, model.Current.Generation));
        model.Publish(RuntimeCompiler.Compile(1, Stamped(1)));
        model.Publish(RuntimeCompiler.Compile(2, Stamped(2)));

        Assert.Equal([(1L, 1L), (2L, 2L)], seen);
        Assert.Equal(2, model.Current.Generation);
    }

    [Fact]
    public void Compile_ResolvesPoolsAndProfiles()
    {
        var config = FulcrumConfig.Default with
        {
            Pools = [new Pool { Name = "web", Members = [new PoolMember { Address = "::1", Port = 80 }] }],
            Virtuals = [new VirtualServer { Name = "www", Destination = "[::1]:8000", Pool = "web", Profiles = ["tcp", "http", "oneconnect"] }],
        };

        var snapshot = RuntimeCompiler.Compile(7, config);
        var v = snapshot.Virtuals["www"];

        Assert.Equal(8000, v.Destination.Port);
        Assert.NotNull(v.Http);
        Assert.NotNull(v.OneConnect);
        Assert.Equal("[::1]:80", v.Pool!.Members[0].Key);
    }
}
