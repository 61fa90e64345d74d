using System.CommandLine;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Cli;

/// <summary><c>fulcrum run [--data DIR] [--mgmt IP:PORT]</c>: the appliance itself; also the default verb.</summary>
internal static class RunCommand
{
    public static Command Create() => Attach(new Command("run", "Run the appliance (the default verb)"));

    /// <summary>Adds the run options and action to a command (the root command runs too).</summary>
    public static T Attach<T>(T command) where T : Command
    {
        var data = CliOptions.Data();
        var mgmt = CliOptions.Mgmt();
        command.Options.Add(data);
        command.Options.Add(mgmt);
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(data)!, result.GetValue(mgmt)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string dataDir, string mgmt, CancellationToken cancellationToken)
    {
        if (!AddressSyntax.TryParseEndpoint(mgmt, out var endpoint))
        {
            await Console.Error.WriteLineAsync($"fulcrum: --mgmt '{mgmt}' is not IP:PORT (for example 127.0.0.1:8080)");
            return 2;
        }
        WebApplication app;
        try
        {
            app = ApplianceHost.Build(new ManagementOptions(Path.GetFullPath(dataDir), endpoint));
        }
        catch (StoreException ex)
        {
            await Console.Error.WriteLineAsync($"fulcrum: {ex.Message}");
            return 1;
        }
        var users = app.Services.GetRequiredService<UserStore>();
        if (users.EnsureAdmin(Environment.GetEnvironmentVariable("FULCRUM_ADMIN_PASSWORD"), out var generated) && generated is not null)
        {
            // Printed once, on the first start only: the store keeps just its hash.
            Console.WriteLine($"First start: user 'admin' created with password: {generated}");
            Console.WriteLine("Change it with: fulcrum user passwd admin");
        }
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"fulcrum: cannot listen on {endpoint}: {ex.Message}");
            return 1;
        }
        ManagementLog.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Fulcrum.Management"), endpoint.ToString());
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }
}
