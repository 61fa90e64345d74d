using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config;

/// <summary>What a committed (or refused) change came to: the new generation, or the failure and every problem.</summary>
public sealed record ChangeResult(GenerationInfo? Generation, EditFailure Failure, IReadOnlyList<ConfigError> Errors)
{
    public bool Succeeded => Generation is not null;
}
