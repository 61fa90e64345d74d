using System.Diagnostics;

namespace Fulcrum.Tests.DataPlane.Support;

/// <summary>Runs a command and returns its output; throws with the output when it fails (unless allowed to).</summary>
public static class Shell
{
    public static async Task<string> Run(string command, params string[] args) => await Run(true, command, args);

    public static async Task<string> Run(bool check, string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
        }
        return await stdout + await stderr;
    }
}
