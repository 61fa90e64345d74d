using System.Text.Json.Nodes;

namespace Fulcrum.Appliance.Config.Diff;

/// <summary>An object present only on the new side, shown whole (certificate keys redacted).</summary>
public sealed record AddedObject(string Kind, string Name, JsonNode Object);
