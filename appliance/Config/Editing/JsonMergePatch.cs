using System.Text.Json.Nodes;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>RFC 7396 JSON merge patch: objects merge member by member, <c>null</c> removes a member, anything else replaces.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }
        return result;
    }
}
