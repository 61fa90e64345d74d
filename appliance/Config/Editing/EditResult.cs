using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>The outcome of applying changes in memory: a new config, or why not (every problem listed).</summary>
public sealed record EditResult(FulcrumConfig? Config, string Summary, EditFailure Failure, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Config is not null;

    public static EditResult Fail(EditFailure failure, string path, string message) => new(null, "", failure, [new ConfigError(path, message)]);
}
