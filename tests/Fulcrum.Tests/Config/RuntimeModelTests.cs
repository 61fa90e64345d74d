using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Tests.Config;

public sealed class RuntimeModelTests
{
    /// <summary>Every object of generation N is stamped N; a reader that ever saw two stamps in one snapshot saw a mix.</summary>
    private static FulcrumConfig Stamped(int n) => FulcrumConfig.Default with
    {
        Pools = [.. Enumerable.Range(0, 20).Select(i => new Pool { Name = $"p{i}", Description = $"g{n}", Members = [new PoolMember { Address = "10.0.0.1", Port = 1 + n % 60000 }] })],
        Virtuals = [.. Enumerable.Range(0, 20).Select(i => new VirtualServer { Name = $"v{i}", Description = $"g{n}", Destination = $"127.0.0.{1 + i}:{1 + n % 60000}", Pool = $"p{i}" })],
    };

    [Fact]
    public async Task ConcurrentReaders_AlwaysSeeOneWholeGeneration()
    {
        var model = new RuntimeModel();
        model.Publish(RuntimeCompiler.Compile(1, Stamped(1)));
        using var stop = new CancellationTokenSource();
        var mixes = 0L;
        var reads = 0L;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var s = model.Current;
                var stamp = $"g{s.Generation}";
                foreach (var v in s.Virtuals.Values)
                {
                    if (v.Config.Description != stamp || v.Pool!.Config.Description != stamp || v.Destination.Port != 1 + (s.Generation % 60000))
                    {
                        Interlocked.Increment(ref mixes);
                    }
                }
                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        while (Interlocked.Read(ref reads) == 0)
        {
            await Task.Delay(1);
        }
        for (var n = 2; n < 2000; n++)
        {
            model.Publish(RuntimeCompiler.Compile(n, Stamped(n)));
        }
        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.Equal(0, mixes);
        Assert.True(reads > 0);
        Assert.Equal(1999, model.Current.Generation);
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
