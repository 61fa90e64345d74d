using System.Globalization;

namespace Fulcrum.Appliance.Config.Store;

/// <summary>Times are stored as UTC text in the invariant round-trip form, whatever the process culture.</summary>
internal static class Timestamps
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
