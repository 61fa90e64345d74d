using System.CommandLine;
using Fulcrum.Appliance.Management;

namespace Fulcrum.Appliance.Cli;

/// <summary>Options shared by several verbs; made fresh per command so each command owns its symbols.</summary>
internal static class CliOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "Data directory holding fulcrum.db",
        DefaultValueFactory = _ => ManagementOptions.DefaultDataDir,
    };

    public static Option<string> Mgmt() => new("--mgmt")
    {
        Description = "Management API listener, IP:PORT",
        DefaultValueFactory = _ => ManagementOptions.DefaultEndpoint,
    };
}
