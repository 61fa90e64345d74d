using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>A bundle was refused: the reason, a message an operator can act on, and for invalid content every problem.</summary>
public sealed class BundleException : Exception
{
    public BundleException(BundleError error, string message, IReadOnlyList<ConfigError>? errors = null) : base(message)
    {
        Error = error;
        Errors = errors ?? [];
    }

    public BundleError Error { get; }

    public IReadOnlyList<ConfigError> Errors { get; }
}
