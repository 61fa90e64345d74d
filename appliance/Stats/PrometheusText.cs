using System.Globalization;
using System.Text;

namespace Fulcrum.Appliance.Stats;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): one <c># HELP</c> and <c># TYPE</c> per family,
/// then its samples. Label values are escaped as the format says (backslash, double quote, newline); HELP text
/// escapes backslash and newline.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _out = new();

    public void Family(string name, string type, string help)
    {
        _out.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        _out.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, long value, params (string Name, string Value)[] labels)
    {
        _out.Append(name);
        if (labels.Length > 0)
        {
            _out.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _out.Append(',');
                }
                _out.Append(labels[i].Name).Append("=\"").Append(EscapeLabel(labels[i].Value)).Append('"');
            }
            _out.Append('}');
        }
        _out.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>A sample with a fractional value (microseconds, averages).</summary>
    public void Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        Sample(name, 0L, labels);
        _out.Length -= 2; // the "0\n" just written
        _out.Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
    }

    public override string ToString() => _out.ToString();

    public static string EscapeLabel(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\"\n") < 0)
        {
            return value;
        }
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
