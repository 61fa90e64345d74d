using System.Collections.Concurrent;

namespace Fulcrum.Appliance.DataPlane.Logging;

/// <summary>Compiled formats by text, so every plan rebuilt on a config change shares one instance.</summary>
public static class AccessLogFormatCache
{
    private static readonly ConcurrentDictionary<string, AccessLogFormat> Formats = new(StringComparer.Ordinal);

    public static AccessLogFormat Get(string? text) => Formats.GetOrAdd(text ?? AccessLogFormat.Default, static t => new AccessLogFormat(t));
}
