namespace Fulcrum.Appliance.Config.Model;

/// <summary>A traffic rule: JavaScript that registers event handlers with <c>when(EVENT, handler)</c>.</summary>
public sealed record Rule : IConfigObject
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string Source { get; init; }
}
