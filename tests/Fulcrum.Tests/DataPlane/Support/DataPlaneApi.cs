using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>Management-API shortcuts for data-plane tests: pools, virtuals, profiles, status.</summary>
public static class DataPlaneApi
{
    public static async Task PoolAsync(this ApiClient api, string name, IEnumerable<int> ports, int reselectTries = 0, string address = "127.0.0.1")
    {
        var members = string.Join(",", ports.Select(p => $$"""{"address":"{{address}}","port":{{p}}}"""));
        await Ok(api.Post("/api/v1/pools", $$"""{"name":"{{name}}","reselectTries":{{reselectTries}},"members":[{{members}}]}"""));
    }

    /// <summary>Creates a virtual on 127.0.0.1:<paramref name="port"/>; <paramref name="extra"/> is more JSON members (",\"x\":1").</summary>
    public static async Task<int> VirtualAsync(this ApiClient api, string name, string pool, string profiles = "\"tcp\",\"http\"", string extra = "", int? port = null)
    {
        var p = port ?? FreePort.Next();
        await Ok(api.Post("/api/v1/virtuals", $$"""{"name":"{{name}}","destination":"127.0.0.1:{{p}}","pool":"{{pool}}","profiles":[{{profiles}}]{{extra}}}"""));
        return p;
    }

    public static async Task ProfileAsync(this ApiClient api, string kind, string json) => await Ok(api.Post($"/api/v1/profiles/{kind}", json));

    public static async Task<JsonElement> VirtualStatusAsync(this ApiClient api, string name)
    {
        var status = (await api.Get("/api/v1/status")).Json;
        return status.GetProperty("virtuals").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
    }

    public static async Task<JsonElement> PoolStatusAsync(this ApiClient api, string name)
    {
        var status = (await api.Get("/api/v1/status")).Json;
        return status.GetProperty("pools").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
    }

    public static async Task<ApiClient.Response> Ok(Task<ApiClient.Response> call)
    {
        var r = await call;
        Assert.True(r.Code is >= 200 and < 300, $"API call failed: {r.Code} {r.Text}");
        return r;
    }

    /// <summary>Waits (up to 5 s) until a virtual's error counter reaches <paramref name="expected"/>: a connection's cause is counted as its handler ends, just after the client sees the close.</summary>
    public static async Task<long> VirtualErrorsAsync(this ApiClient api, string name, string cause, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var n = ErrorCount(await api.VirtualStatusAsync(name), cause);
            if (n >= expected || DateTime.UtcNow > deadline)
            {
                return n;
            }
            await Task.Delay(50);
        }
    }

    public static long ErrorCount(JsonElement status, string cause) =>
        status.GetProperty("errors").TryGetProperty(cause, out var v) ? v.GetInt64() : 0;

    /// <summary>Resident memory of a process in bytes (VmRSS from /proc).</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }
        throw new InvalidOperationException("no VmRSS");
    }
}
