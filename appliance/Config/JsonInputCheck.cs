using System.Text.Json;

namespace Fulcrum.Appliance.Config;

/// <summary>
/// Checks on parsed JSON that System.Text.Json leaves to the reader of each value: escapes that decode to a lone
/// UTF-16 surrogate (the parser accepts <c>"\ud800"</c>, then <c>GetString</c> throws) and <c>null</c> inside a
/// list (nullable annotations do not reach collection elements, so a <c>[null]</c> would reach code that
/// dereferences every item). Run before binding, so such input is a 400 naming its place, never an exception.
/// </summary>
public static class JsonInputCheck
{
    public enum Problem
    {
        None,
        LoneSurrogate,
        NullListItem,
    }

    public readonly record struct Finding(Problem Problem, string Path, string Message);

    /// <summary>The first lone surrogate in any string or member name; paths as <c>members/0/name</c>.</summary>
    public static Finding? InvalidStrings(JsonElement element) => Walk(element, "", nullItems: false);

    /// <summary>The first lone surrogate, or the first null item of any list.</summary>
    public static Finding? InvalidStringsOrNullItems(JsonElement element) => Walk(element, "", nullItems: true);

    /// <summary>Throws a <see cref="JsonException"/> with the place, for callers that already turn those into errors.</summary>
    public static void ThrowIfInvalid(JsonElement element)
    {
        if (InvalidStringsOrNullItems(element) is { } f)
        {
            throw new JsonException(f.Message, "$" + (f.Path.Length == 0 ? "" : "." + f.Path.Replace('/', '.')), null, null);
        }
    }

    private static Finding? Walk(JsonElement element, string path, bool nullItems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Decodes(element) ? null : Surrogate(path);
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var itemPath = Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    if (nullItems && item.ValueKind == JsonValueKind.Null)
                    {
                        return new Finding(Problem.NullListItem, itemPath, "a list may not hold null");
                    }
                    if (Walk(item, itemPath, nullItems) is { } found)
                    {
                        return found;
                    }
                    i++;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return Surrogate(Join(path, "(member name)"));
                    }
                    if (Walk(property.Value, Join(path, name), nullItems) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static bool Decodes(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static Finding Surrogate(string path) =>
        new(Problem.LoneSurrogate, path, "the string holds a lone UTF-16 surrogate escape (\\ud800-\\udfff without its pair), which is not text");

    private static string Join(string path, string part)
    {
        part = part.Length > 64 ? part[..64] + "…" : part;
        return path.Length == 0 ? part : path + "/" + part;
    }
}
