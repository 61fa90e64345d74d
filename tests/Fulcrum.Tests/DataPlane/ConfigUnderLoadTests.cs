using System.Diagnostics;
using System.Text.RegularExpressions;
using Fulcrum.Tests.DataPlane.Support;
using Fulcrum.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Fulcrum.Tests.DataPlane;

/// <summary>Config changes every 100 ms while wrk drives traffic: no request may fail.</summary>
public sealed partial class ConfigUnderLoadTests : IClassFixture<ApplianceFixture>
{
    private readonly ApplianceFixture _f;
    private readonly ITestOutputHelper _out;

    public ConfigUnderLoadTests(ApplianceFixture f, ITestOutputHelper output)
    {
        _f = f;
        _out = output;
    }

    [Fact]
    public async Task VirtualAndPoolEditedEvery100ms_UnderLoad_ZeroFailedRequests()
    {
        await using var be1 = await KestrelBackend.StartAsync("b1");
        await using var be2 = await KestrelBackend.StartAsync("b2");
        await _f.Admin.PoolAsync("load", [be1.Port]);
        // OneConnect balances every request, so each pool edit shows in the traffic at once.
        var port = await _f.Admin.VirtualAsync("load", "load", "\"tcp\",\"http\",\"oneconnect\"");
        var url = $"http://127.0.0.1:{port}/";

        using var stop = new CancellationTokenSource();
        var poolEdits = 0;
        var virtualEdits = 0;
        // Two editors, each on a 100 ms period: one flips the pool between one and two members, one edits the virtual.
        var poolEditor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var members = poolEdits % 2 == 0
                    ? $$"""[{"address":"127.0.0.1","port":{{be1.Port}}},{"address":"127.0.0.1","port":{{be2.Port}}}]"""
                    : $$"""[{"address":"127.0.0.1","port":{{be1.Port}}}]""";
                var next = Task.Delay(100);
                await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/pools/load", $$"""{"members":{{members}}}"""));
                poolEdits++;
                await next;
            }
        });
        var virtualEditor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var next = Task.Delay(100);
                await DataPlaneApi.Ok(_f.Admin.Patch("/api/v1/virtuals/load", $$"""{"description":"edit {{virtualEdits}}","connectionLimit":{{10000 + virtualEdits}}}"""));
                virtualEdits++;
                await next;
            }
        });

        var (requests, failures, tool) = HasWrk() ? await RunWrk(url, 5) : await RunClientLoad(url, 5);
        stop.Cancel();
        await Task.WhenAll(poolEditor, virtualEditor);
        var edits = poolEdits + virtualEdits;
        _out.WriteLine($"{tool}: {requests} requests, {failures} failed, {poolEdits} pool and {virtualEdits} virtual edits");
        Assert.True(edits >= 30, $"only {edits} edits");
        Assert.True(requests > 1000, $"only {requests} requests");
        Assert.Equal(0, failures);
        Assert.True(be2.Requests > 0, "the second member never took traffic");
    }

    private static bool HasWrk() => Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "wrk")));

    private static async Task<(long, long, string)> RunWrk(string url, int seconds)
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t1", "-c16", $"-d{seconds}s", url })
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var requests = long.Parse(RequestsLine().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        long failures = 0;
        var non2xx = Non2xxLine().Match(output);
        if (non2xx.Success)
        {
            failures += long.Parse(non2xx.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        var socket = SocketErrorsLine().Match(output);
        if (socket.Success)
        {
            foreach (var g in new[] { 1, 2, 3, 4 })
            {
                failures += long.Parse(socket.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return (requests, failures, "wrk: " + output.Replace('\n', ' '));
    }

    /// <summary>Without wrk (a bare CI image), 16 HttpClient loops do the same job.</summary>
    private static async Task<(long, long, string)> RunClientLoad(string url, int seconds)
    {
        long requests = 0;
        long failures = 0;
        var until = DateTime.UtcNow.AddSeconds(seconds);
        using var http = new HttpClient();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (DateTime.UtcNow < until)
            {
                try
                {
                    using var r = await http.GetAsync(url);
                    if (!r.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
                Interlocked.Increment(ref requests);
            }
        })));
        return (requests, failures, "HttpClient x16");
    }

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
