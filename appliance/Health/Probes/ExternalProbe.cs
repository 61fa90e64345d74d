using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// <c>external</c>: runs the monitor's program as LTM runs an EAV script: arguments are the target's address and port,
/// then the monitor's own arguments; the environment carries <c>MON_ADDR</c>, <c>MON_PORT</c> (and LTM's
/// <c>NODE_IP</c>, <c>NODE_PORT</c>) and <c>MON_NAME</c>. Exit 0 is up (and, with a receive pattern, standard output must
/// match it); any other exit is down; at the timeout the process and its children are killed and the target is down.
/// </summary>
internal sealed class ExternalProbe : IHealthProbe
{
    public string Type => MonitorTypes.External;

    public async ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken)
    {
        var program = monitor.Config.Program!;
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        var address = target.Address.ToString();
        var port = target.Port.ToString(CultureInfo.InvariantCulture);
        info.ArgumentList.Add(address);
        info.ArgumentList.Add(port);
        foreach (var a in monitor.Config.Arguments)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["MON_ADDR"] = address;
        info.Environment["MON_PORT"] = port;
        info.Environment["NODE_IP"] = address;
        info.Environment["NODE_PORT"] = port;
        info.Environment["MON_NAME"] = monitor.Name;

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return ProbeResult.Down($"{Type}: cannot run {program}: {ex.Message}");
        }
        var stdout = ReadBoundedAsync(process.StandardOutput);
        var stderr = ReadBoundedAsync(process.StandardError);
        string output;
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            // A daemonized grandchild may keep the pipes open: the timeout bounds the drain too.
            output = await stdout.WaitAsync(cancellationToken);
            _ = await stderr.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return ProbeResult.Down(string.Create(CultureInfo.InvariantCulture, $"{Type}: killed after {monitor.Config.Timeout}s"));
        }
        if (process.ExitCode != 0)
        {
            return ProbeResult.Down(string.Create(CultureInfo.InvariantCulture, $"{Type}: exit {process.ExitCode}"));
        }
        return monitor.Receive is null && monitor.ReceiveDisable is null ? ProbeResult.Up() : monitor.Judge(output);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the timeout and the kill.
        }
    }

    /// <summary>Drains a stream so the child never blocks on a full pipe, keeping at most 64 KiB of it.</summary>
    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            if (kept.Length < AnswerReader.MaxBytes)
            {
                kept.Append(buffer, 0, Math.Min(n, AnswerReader.MaxBytes - kept.Length));
            }
        }
        return kept.ToString();
    }
}
