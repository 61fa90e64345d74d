using System.Globalization;
using System.Text;

namespace Fulcrum.Appliance.DataPlane.Logging;

/// <summary>
/// An access-log format compiled once from its text. Variables follow HAProxy's log-format names where one exists:
/// <c>%ci %cp %t %f %b %s %Tc %Tr %Ta %ST %B %ts %r %%</c>. Anything else is copied literally.
/// </summary>
public sealed class AccessLogFormat
{
    /// <summary>HAProxy's httplog, minus the fields Fulcrum does not track yet (queues, captures, cookies).</summary>
    public const string Default = "%ci:%cp [%t] %f %b/%s %Tc/%Tr/%Ta %ST %B %ts \"%r\"";

    private static readonly string[] Variables = ["ci", "cp", "Tc", "Tr", "Ta", "ST", "ts", "t", "f", "b", "s", "B", "r"];

    private readonly (string? Variable, string Literal)[] _parts;

    public AccessLogFormat(string text)
    {
        Text = text;
        var parts = new List<(string?, string)>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%' || i + 1 >= text.Length)
            {
                literal.Append(text[i]);
                continue;
            }
            if (text[i + 1] == '%')
            {
                literal.Append('%');
                i++;
                continue;
            }
            var v = Variables.FirstOrDefault(name => string.CompareOrdinal(text, i + 1, name, 0, name.Length) == 0);
            if (v is null)
            {
                literal.Append('%');
                continue;
            }
            if (literal.Length > 0)
            {
                parts.Add((null, literal.ToString()));
                literal.Clear();
            }
            parts.Add((v, ""));
            i += v.Length;
        }
        if (literal.Length > 0)
        {
            parts.Add((null, literal.ToString()));
        }
        _parts = [.. parts];
    }

    public string Text { get; }

    /// <summary>True when every %-sequence in <paramref name="text"/> is a known variable (profile validation).</summary>
    public static bool IsValid(string text, out string? unknown)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                continue;
            }
            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                i++;
                continue;
            }
            if (!Variables.Any(name => string.CompareOrdinal(text, i + 1, name, 0, name.Length) == 0))
            {
                unknown = text[i..Math.Min(text.Length, i + 3)];
                return false;
            }
        }
        unknown = null;
        return true;
    }

    public void Write(TextWriter output, in AccessLogEntry e)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var (variable, literal) in _parts)
        {
            switch (variable)
            {
                case null: output.Write(literal); break;
                case "ci": output.Write(e.Client.Address.IsIPv4MappedToIPv6 ? e.Client.Address.MapToIPv4().ToString() : e.Client.Address.ToString()); break;
                case "cp": output.Write(e.Client.Port.ToString(inv)); break;
                case "t": output.Write(e.Time.ToString("dd/MMM/yyyy:HH:mm:ss.fff", inv)); break;
                case "f": output.Write(e.Virtual); break;
                case "b": output.Write(e.Pool ?? "<NOSRV>"); break;
                case "s": output.Write(e.Member ?? "<NOSRV>"); break;
                case "Tc": output.Write(e.ConnectMs.ToString(inv)); break;
                case "Tr": output.Write(e.ResponseMs.ToString(inv)); break;
                case "Ta": output.Write(e.TotalMs.ToString(inv)); break;
                case "ST": output.Write(e.Status.ToString(inv)); break;
                case "B": output.Write(e.Bytes.ToString(inv)); break;
                case "ts": output.Write(Pipeline.TerminationCauses.Codes[(int)e.Cause]); break;
                case "r": output.Write(Encoding.ASCII.GetString(e.RequestLine, 0, e.RequestLineLength)); break;
            }
        }
        output.Write('\n');
    }
}
