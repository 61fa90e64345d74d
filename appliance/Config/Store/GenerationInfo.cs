namespace Fulcrum.Appliance.Config.Store;

/// <summary>One config generation's history entry. <see cref="Kept"/> is false once it is older than the whole-config window.</summary>
public sealed record GenerationInfo(long Generation, DateTimeOffset Time, string User, string Summary, bool Kept, string Sha256);
