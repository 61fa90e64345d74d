using System.Text.Json;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>Turns System.Text.Json's exceptions into messages an operator can act on, without .NET type names.</summary>
public static class JsonErrors
{
    public static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }
        message = message
            .Replace("Fulcrum.Appliance.Config.Model.", "", StringComparison.Ordinal)
            .Replace("System.Collections.Immutable.", "", StringComparison.Ordinal)
            .Replace("System.", "", StringComparison.Ordinal);
        if (ex.LineNumber is { } line && ex.BytePositionInLine is { } col && ex.Path is { } path)
        {
            return $"{message} (at {path}, line {line + 1}, byte {col + 1})";
        }
        return message;
    }
}
