using System.Net;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>The store across restarts, clean and killed.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Config_SurvivesCleanRestart()
    {
        string before;
        await using (var first = await ApplianceProcess.StartAsync(_dir.Path))
        {
            using var api = first.Client();
            Assert.Equal(HttpStatusCode.Created, (await api.Post("/api/v1/pools", """{"name":"keep","loadBalancingMode":"ratio","members":[{"address":"10.9.0.1","port":81,"ratio":4}]}""")).Status);
            before = (await api.Get("/api/v1/config")).Text;
            Assert.Equal(0, await first.StopAsync());
        }

        await using var second = await ApplianceProcess.StartAsync(_dir.Path, adminPassword: null);
        using var again = second.Client();
        Assert.Equal(before, (await again.Get("/api/v1/config")).Text);
    }

    [Fact]
    public async Task Sigkill_DuringWrites_LastCommittedGenerationIntact()
    {
        var appliance = await ApplianceProcess.StartAsync(_dir.Path);
        using var api = appliance.Client();
        var acknowledged = 0L;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var r = await api.Post("/api/v1/pools", $$"""{"name":"p{{i}}","members":[{"address":"10.0.{{i / 250 % 250}}.{{1 + i % 250}}","port":80}]}""");
                    if (r.Status == HttpStatusCode.Created)
                    {
                        Interlocked.Exchange(ref acknowledged, long.Parse(r.Headers.GetValues("Fulcrum-Generation").Single(), System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
                catch (HttpRequestException)
                {
                    return;
                }
            }
        });
        // Kill in the middle of the stream: once several writes are acknowledged, however loaded the machine is.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Interlocked.Read(ref acknowledged) < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        appliance.Kill();
        stop.Cancel();
        await writer;
        await appliance.DisposeAsync();
        Assert.True(acknowledged > 2, "the writer made progress before the kill");

        await using var restarted = await ApplianceProcess.StartAsync(_dir.Path);
        using var again = restarted.Client();
        var latest = await again.Generation();
        // Every acknowledged write is durable; at most the one in flight at the kill may also have landed.
        Assert.InRange(latest, acknowledged, acknowledged + 1);
        var config = (await again.Get($"/api/v1/config/generations/{latest}")).Json.GetProperty("config");
        Assert.Equal(latest - 1, config.GetProperty("pools").GetArrayLength());
    }
}
