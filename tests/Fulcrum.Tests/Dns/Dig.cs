using System.Diagnostics;

namespace Fulcrum.Tests.Dns;

/// <summary>Runs Debian's dig (bind9-dnsutils) against a dns virtual and returns its output.</summary>
internal static class Dig
{
    public static async Task<string> RunAsync(int port, params string[] args)
    {
        var psi = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+tries=1", "+timeout=2", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    /// <summary>The records of +short output, one a line.</summary>
    public static async Task<string[]> ShortAsync(int port, params string[] args) =>
        (await RunAsync(port, [.. args, "+short"])).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith(';')).ToArray();

    /// <summary>Many queries in one dig process (batch mode: one query a line).</summary>
    public static async Task<string[]> BatchAsync(int port, IEnumerable<string> lines)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file, lines);
            return (await RunAsync(port, "+short", "-f", file)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.StartsWith(';')).ToArray();
        }
        finally
        {
            File.Delete(file);
        }
    }
}
