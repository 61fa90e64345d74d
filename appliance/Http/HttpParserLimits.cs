using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Http;

/// <summary>Size limits for one message head. Exceeding them is detected while the head is still incomplete.</summary>
/// <param name="MaxStartLineBytes">Longest request or status line, CRLF excluded.</param>
/// <param name="MaxHeaderBytes">Longest header block: every field line with its CRLF, plus the final empty line.</param>
/// <param name="MaxHeaderCount">Most field lines in one head.</param>
public readonly record struct HttpParserLimits(int MaxStartLineBytes, int MaxHeaderBytes, int MaxHeaderCount)
{
    public static HttpParserLimits Default { get; } = new(8192, 32768, 100);

    public static HttpParserLimits From(HttpProfile profile) =>
        new(profile.MaxRequestLineBytes, profile.MaxHeaderBytes, profile.MaxHeaderCount);

    /// <summary>The most bytes a head can take, so a split head can be copied into one bounded buffer.</summary>
    internal int MaxHeadBytes => MaxStartLineBytes + 2 + MaxHeaderBytes;
}
