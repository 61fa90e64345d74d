using System.CommandLine;
using System.Globalization;
using Fulcrum.Appliance.Cluster;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Cli;

/// <summary>
/// <c>fulcrum cluster keepalived-config|check|notify</c>: the active–standby pair on keepalived (docs/HA.md).
/// </summary>
internal static class ClusterCommand
{
    public static Command Create() => new("cluster", "Active–standby pairs with keepalived (docs/HA.md)") { KeepalivedConfigCommand(), CheckCommand(), NotifyCommand() };

    private static Command KeepalivedConfigCommand()
    {
        var data = CliOptions.Data();
        var iface = new Option<string>("--interface") { Description = "Interface the virtual addresses go on and VRRP adverts are sent from", Required = true };
        var routerId = new Option<int>("--router-id") { Description = "virtual_router_id, 1..255, the same on both boxes", Required = true };
        var priority = new Option<int>("--priority") { Description = "1..254, higher wins (e.g. 150 on the preferred box, 100 on the other)", DefaultValueFactory = _ => 100 };
        var state = new Option<string>("--state") { Description = "MASTER or BACKUP: the state keepalived starts in", DefaultValueFactory = _ => "BACKUP" };
        var advert = new Option<string>("--advert-int") { Description = "Seconds between adverts; a fraction (e.g. 0.2) selects VRRPv3", DefaultValueFactory = _ => "1" };
        var auth = new Option<string?>("--auth-pass") { Description = "VRRPv2 PASS authentication, 1..8 characters (not with VRRPv3)" };
        var interval = new Option<int>("--check-interval") { Description = "Seconds between health checks", DefaultValueFactory = _ => 1 };
        var fall = new Option<int>("--fall") { Description = "Failed checks before giving up the addresses", DefaultValueFactory = _ => 1 };
        var rise = new Option<int>("--rise") { Description = "Passed checks before taking part again", DefaultValueFactory = _ => 2 };
        var fulcrum = new Option<string?>("--fulcrum") { Description = "How keepalived runs fulcrum for the notify hook (default: this executable)" };
        var checkScript = new Option<string?>("--check-script") { Description = "The track script (default: fulcrum-check.sh beside fulcrum.dll)" };
        var command = new Command("keepalived-config", "Print a keepalived.conf moving this box's virtual addresses (current generation)")
        {
            data, iface, routerId, priority, state, advert, auth, interval, fall, rise, fulcrum, checkScript,
        };
        command.SetAction(r =>
        {
            var errors = new List<string>();
            if (!decimal.TryParse(r.GetValue(advert), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var advertInt))
            {
                errors.Add($"--advert-int: '{r.GetValue(advert)}' is not a number of seconds");
            }
            var settings = new KeepalivedSettings
            {
                Interface = r.GetValue(iface)!,
                RouterId = r.GetValue(routerId),
                Priority = r.GetValue(priority),
                State = r.GetValue(state)!,
                AdvertInt = errors.Count == 0 ? advertInt : 1,
                AuthPass = r.GetValue(auth),
                CheckInterval = r.GetValue(interval),
                Fall = r.GetValue(fall),
                Rise = r.GetValue(rise),
                FulcrumCommand = r.GetValue(fulcrum) ?? SelfCommand(),
                CheckScript = r.GetValue(checkScript) ?? Path.Combine(AppContext.BaseDirectory, "fulcrum-check.sh"),
                DataDir = Path.GetFullPath(r.GetValue(data)!),
            };
            errors.AddRange(settings.Validate());
            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    Console.Error.WriteLine($"fulcrum: {e}");
                }
                return 1;
            }
            if (!TryLatest(settings.DataDir, out var stored, out var code))
            {
                return code;
            }
            Console.Write(KeepalivedConfig.Render(settings, stored?.Config ?? FulcrumConfig.Default, stored?.Info.Generation ?? 0));
            return 0;
        });
        return command;
    }

    private static Command CheckCommand()
    {
        var data = CliOptions.Data();
        var command = new Command("check", "Exit 0 when this box may hold the virtual addresses: the appliance runs the current generation and listens on every virtual; else exit 1 with the reason") { data };
        command.SetAction(r =>
        {
            var dir = r.GetValue(data)!;
            if (!TryLatest(dir, out var stored, out var code))
            {
                return code;
            }
            string? why;
            try
            {
                why = ClusterCheck.Evaluate(ClusterStateFile.ReadFrom(dir), stored?.Info.Generation ?? 0, stored?.Config ?? FulcrumConfig.Default, DateTimeOffset.UtcNow, ClusterCheck.ProcessAlive);
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                why = $"cluster state unreadable: {ex.Message}";
            }
            if (why is not null)
            {
                Console.Error.WriteLine($"fulcrum: unhealthy: {why}");
                return 1;
            }
            Console.WriteLine($"healthy: generation {stored?.Info.Generation ?? 0}");
            return 0;
        });
        return command;
    }

    private static Command NotifyCommand()
    {
        var data = CliOptions.Data();
        var args = new Argument<string[]>("keepalived-args") { Description = "What keepalived appends: TYPE NAME STATE PRIORITY", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("notify", "keepalived's notify hook: appends the transition to DATA/cluster-events.log") { data, args };
        command.SetAction(r =>
        {
            var line = $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {string.Join(' ', r.GetValue(args) ?? [])}\n";
            try
            {
                File.AppendAllText(Path.Combine(r.GetValue(data)!, "cluster-events.log"), line);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"fulcrum: {ex.Message}");
                return 2;
            }
            return 0;
        });
        return command;
    }

    private static bool TryLatest(string dataDir, out StoredGeneration? stored, out int code)
    {
        stored = null;
        code = 0;
        if (!File.Exists(Path.Combine(dataDir, SqliteDatabase.FileName)))
        {
            Console.Error.WriteLine($"fulcrum: no store in {Path.GetFullPath(dataDir)}");
            code = 2;
            return false;
        }
        try
        {
            stored = new ConfigStore(SqliteDatabase.Open(dataDir)).Latest();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StoreException)
        {
            Console.Error.WriteLine($"fulcrum: {ex.Message}");
            code = 2;
            return false;
        }
    }

    /// <summary>This process as a command line: the apphost, or <c>dotnet fulcrum.dll</c>.</summary>
    private static string SelfCommand()
    {
        var exe = Environment.ProcessPath ?? "fulcrum";
        var dll = Path.Combine(AppContext.BaseDirectory, "fulcrum.dll");
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? $"{exe} {dll}" : exe;
    }
}
