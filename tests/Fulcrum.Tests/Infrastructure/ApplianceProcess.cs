using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Fulcrum.Tests.Infrastructure;

/// <summary>
/// The real <c>fulcrum</c> executable, started as its own process on a real port with a real SQLite file,
/// as an operator would run it.
/// </summary>
public sealed partial class ApplianceProcess : IAsyncDisposable
{
    public const string AdminPassword = "Admin-Secret-42";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ApplianceProcess(Process process, string dataDir, int port, string host, bool https)
    {
        _process = process;
        DataDir = dataDir;
        Port = port;
        BaseAddress = new Uri($"{(https ? "https" : "http")}://{host}:{port}");
    }

    public string DataDir { get; }
    public int Port { get; }
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string FulcrumDll => Path.Combine(AppContext.BaseDirectory, "fulcrum.dll");

    /// <param name="launcher">
    /// A command that execs the rest (for example <c>ip netns exec NS</c>, or <c>setpriv ...</c> to drop capabilities);
    /// it must exec, not fork, so the process is fulcrum itself.
    /// </param>
    /// <param name="host">The management address when it is not 127.0.0.1 (an address inside a network namespace).</param>
    /// <param name="extraArgs">More <c>run</c> options (<c>--mgmt-cert</c>, …).</param>
    /// <param name="https">The management listener serves HTTPS (the readiness probe then accepts any certificate; tests check it with curl).</param>
    public static async Task<ApplianceProcess> StartAsync(string dataDir, int? port = null, string? adminPassword = AdminPassword, IReadOnlyList<string>? launcher = null, string host = "127.0.0.1",
        IReadOnlyList<string>? extraArgs = null, bool https = false)
    {
        var p = port ?? FreePort.Next();
        var command = new List<string>(launcher ?? []);
        command.AddRange(["dotnet", FulcrumDll, "run", "--data", dataDir, "--mgmt", $"{host}:{p}", .. extraArgs ?? []]);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }
        if (adminPassword is not null)
        {
            info.Environment["FULCRUM_ADMIN_PASSWORD"] = adminPassword;
        }
        else
        {
            info.Environment.Remove("FULCRUM_ADMIN_PASSWORD");
        }
        var process = Process.Start(info)!;
        var appliance = new ApplianceProcess(process, dataDir, p, host, https);
        process.OutputDataReceived += (_, e) => appliance.Append(e.Data);
        process.ErrorDataReceived += (_, e) => appliance.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await appliance.WaitHealthyAsync();
        return appliance;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitHealthyAsync()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"fulcrum exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var r = await http.GetAsync("/healthz");
                if (r.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"fulcrum did not become healthy:\n{Output}");
    }

    public ApiClient Client(string user = "admin", string password = AdminPassword) => new(BaseAddress, user, password);

    /// <summary>SIGKILL: no clean shutdown, as a crash or the OOM killer would do.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, then wait for a clean exit.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = SysKill(_process.Id, 15);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(cts.Token);
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SysKill(int pid, int signal);
}
