using System.Text.Json;

namespace Fulcrum.Tests.Infrastructure;

/// <summary>True when everything <c>expected</c> says is in <c>actual</c>: objects may carry more (defaulted) fields; arrays match element by element.</summary>
public static class JsonSubset
{
    public static bool Holds(JsonElement expected, JsonElement actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                return actual.ValueKind == JsonValueKind.Object
                    && expected.EnumerateObject().All(p => actual.TryGetProperty(p.Name, out var a) && Holds(p.Value, a));
            case JsonValueKind.Array:
                return actual.ValueKind == JsonValueKind.Array
                    && expected.GetArrayLength() == actual.GetArrayLength()
                    && expected.EnumerateArray().Zip(actual.EnumerateArray()).All(pair => Holds(pair.First, pair.Second));
            default:
                return JsonElement.DeepEquals(expected, actual);
        }
    }
}
