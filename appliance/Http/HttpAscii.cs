using System.Text;

namespace Fulcrum.Appliance.Http;

/// <summary>Case-insensitive ASCII comparison over byte spans, for header names and list tokens, without decoding to strings.</summary>
public static class HttpAscii
{
    /// <summary>
    /// True when both spans hold the same ASCII text ignoring case. Non-ASCII never matches, so obs-text cannot
    /// alias a known token the way a culture-aware fold might.
    /// </summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        left.Length == right.Length && Ascii.EqualsIgnoreCase(left, right);
}
