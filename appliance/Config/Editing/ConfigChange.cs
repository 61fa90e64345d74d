using System.Text.Json;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>
/// One change to one object: <paramref name="Kind"/> is an API path such as <c>pools</c> or <c>profiles/http</c>.
/// <paramref name="Body"/> is the object (create, replace) or an RFC 7396 merge patch (patch).
/// </summary>
public sealed record ConfigChange(ChangeOp Op, string Kind, string Name, JsonElement? Body = null);
