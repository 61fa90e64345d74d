using System.Text.Json.Nodes;

namespace Fulcrum.Appliance.Config.Diff;

/// <summary>
/// One field that differs between two versions of an object. <see cref="Path"/> is relative to the object, its
/// segments joined by <c>/</c> with RFC 6901 escaping (<c>~1</c> for a slash in a data-group key); pool members are
/// addressed by <c>address:port</c>, other list items by index. A missing side is null.
/// </summary>
public sealed record FieldChange(string Path, JsonNode? Old, JsonNode? New);
