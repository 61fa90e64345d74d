namespace Fulcrum.BrowserTests.Infrastructure;

/// <summary>
/// Debian's chromium, the only browser these tests use (Playwright's own browser downloads are not used). Missing
/// chromium skips a test with the reason, except in CI (<c>CI=true</c>), where it is a failure: CI installs it.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("FULCRUM_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? MissingReason => File.Exists(ExecutablePath)
        ? null
        : $"{ExecutablePath} is missing: install Debian's chromium (apt-get install -y chromium) to run the console's browser tests";

    /// <summary>Skips the calling test when chromium is missing, or fails it under CI=true.</summary>
    public static void Require()
    {
        if (MissingReason is not { } reason)
        {
            return;
        }
        if (InCi)
        {
            throw new InvalidOperationException("CI=true but " + reason);
        }
        Console.WriteLine("skipped: " + reason);
        Skip.If(true, reason);
    }

    /// <summary>The flags this machine needs: no sandbox as root, and no background calls to the outside world.</summary>
    public static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];
}
