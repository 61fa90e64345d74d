namespace Fulcrum.Appliance.Cli;

/// <summary>A usage or environment problem a verb reports as one line with its exit code.</summary>
internal sealed class CliError : Exception
{
    public CliError(int exitCode, string message) : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }
}
