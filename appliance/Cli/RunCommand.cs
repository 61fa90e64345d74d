using System.CommandLine;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Cli;

/// <summary>
/// <c>fulcrum run [--data DIR] [--mgmt IP:PORT] [--mgmt-cert FILE --mgmt-key FILE | --mgmt-self-signed]</c>: the
/// appliance itself; also the default verb. With a certificate the management listener serves HTTPS only.
/// </summary>
internal static class RunCommand
{
    public static Command Create() => Attach(new Command("run", "Run the appliance (the default verb)"));

    /// <summary>Adds the run options and action to a command (the root command runs too).</summary>
    public static T Attach<T>(T command) where T : Command
    {
        var data = CliOptions.Data();
        var mgmt = CliOptions.Mgmt();
        var cert = new Option<string?>("--mgmt-cert") { Description = "Serve the management API over HTTPS with this PEM certificate (then its chain); needs --mgmt-key" };
        var key = new Option<string?>("--mgmt-key") { Description = "The PEM private key (unencrypted) of --mgmt-cert" };
        var selfSigned = new Option<bool>("--mgmt-self-signed") { Description = "Serve the management API over HTTPS with a self-signed certificate made on the first start and kept in the data directory" };
        command.Options.Add(data);
        command.Options.Add(mgmt);
        command.Options.Add(cert);
        command.Options.Add(key);
        command.Options.Add(selfSigned);
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(data)!, result.GetValue(mgmt)!, new TlsChoice(result.GetValue(cert), result.GetValue(key), result.GetValue(selfSigned)), cancellationToken));
        return command;
    }

    private readonly record struct TlsChoice(string? Certificate, string? Key, bool SelfSigned);

    private static async Task<int> RunAsync(string dataDir, string mgmt, TlsChoice tlsChoice, CancellationToken cancellationToken)
    {
        if (!AddressSyntax.TryParseEndpoint(mgmt, out var endpoint))
        {
            await Console.Error.WriteLineAsync($"fulcrum: --mgmt '{mgmt}' is not IP:PORT (for example 127.0.0.1:8080)");
            return 2;
        }
        dataDir = Path.GetFullPath(dataDir);
        ManagementTls? tls;
        try
        {
            tls = LoadTls(tlsChoice, dataDir, endpoint);
        }
        catch (CliError ex)
        {
            await Console.Error.WriteLineAsync($"fulcrum: {ex.Message}");
            return ex.ExitCode;
        }
        WebApplication app;
        try
        {
            app = ApplianceHost.Build(new ManagementOptions(dataDir, endpoint) { Tls = tls });
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
        ManagementLog.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Fulcrum.Management"), app.Services.GetRequiredService<ManagementOptions>().Url);
        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    private static ManagementTls? LoadTls(TlsChoice choice, string dataDir, System.Net.IPEndPoint endpoint)
    {
        if (choice.SelfSigned && (choice.Certificate is not null || choice.Key is not null))
        {
            throw new CliError(2, "--mgmt-self-signed and --mgmt-cert/--mgmt-key exclude each other");
        }
        if ((choice.Certificate is null) != (choice.Key is null))
        {
            throw new CliError(2, "--mgmt-cert and --mgmt-key go together");
        }
        try
        {
            if (choice.SelfSigned)
            {
                var tls = ManagementTls.SelfSigned(dataDir, endpoint, DateTimeOffset.UtcNow, out var created);
                if (created)
                {
                    Console.WriteLine($"Made a self-signed management certificate: {Path.Combine(dataDir, ManagementTls.SelfSignedCertificateFile)} (SHA-256 {tls.FingerprintSha256})");
                }
                return tls;
            }
            return choice.Certificate is null ? null : ManagementTls.FromFiles(Path.GetFullPath(choice.Certificate), Path.GetFullPath(choice.Key!));
        }
        catch (InvalidDataException ex)
        {
            throw new CliError(2, ex.Message);
        }
        catch (IOException ex)
        {
            throw new CliError(1, $"the management certificate: {ex.Message}");
        }
    }
}
