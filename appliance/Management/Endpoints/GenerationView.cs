using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>A generation's history line as the API shows it.</summary>
public sealed record GenerationView(long Generation, DateTimeOffset Time, string User, string Summary, bool Kept)
{
    public static GenerationView From(GenerationInfo info) => new(info.Generation, info.Time, info.User, info.Summary, info.Kept);
}
