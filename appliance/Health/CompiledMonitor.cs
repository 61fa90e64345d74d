using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;
using Monitor = Fulcrum.Appliance.Config.Model.Monitor;

namespace Fulcrum.Appliance.Health;

/// <summary>
/// A monitor config prepared once for probing: send string unescaped and encoded, receive patterns compiled with a
/// match timeout, times as <see cref="TimeSpan"/>s, destination alias parsed. Shared, immutable, rebuilt only when the
/// monitor's config record changes.
/// </summary>
public sealed class CompiledMonitor
{
    /// <summary>How long one receive or receive-disable match may run before it counts as no match.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public const string DefaultHttpSend = "GET / HTTP/1.0\r\n\r\n";

    private readonly IPEndPoint? _aliasEndPoint;
    private readonly int _aliasPort;

    public CompiledMonitor(Monitor config)
    {
        Config = config;
        Interval = TimeSpan.FromSeconds(config.Interval);
        Timeout = TimeSpan.FromSeconds(config.Timeout);
        UpInterval = config.UpInterval > 0 ? TimeSpan.FromSeconds(config.UpInterval) : Interval;
        TimeUntilUp = TimeSpan.FromSeconds(config.TimeUntilUp);
        var send = config.Send is null ? null : Unescape(config.Send);
        if (send is null && config.Type is MonitorTypes.Http or MonitorTypes.Https)
        {
            send = DefaultHttpSend;
        }
        SendText = send;
        Send = send is null ? [] : Encoding.Latin1.GetBytes(send);
        Receive = Compile(config.Receive);
        ReceiveDisable = Compile(config.ReceiveDisable);
        ParseDestination(config.Destination, out _aliasEndPoint, out _aliasPort);
    }

    public Monitor Config { get; }

    /// <summary>The https probe's TLS settings from the monitor's server-ssl profile; null: any certificate is accepted.</summary>
    public DataPlane.Tls.ServerTlsMaterial? ServerTls { get; init; }

    public string Name => Config.Name;

    public string Type => Config.Type;

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The interval while the target is up (<c>upInterval</c>, or <see cref="Interval"/> when 0).</summary>
    public TimeSpan UpInterval { get; }

    public TimeSpan TimeUntilUp { get; }

    /// <summary>The send string with <c>\r</c>, <c>\n</c>, <c>\t</c> and <c>\\</c> escapes turned into the characters they name.</summary>
    public string? SendText { get; }

    /// <summary><see cref="SendText"/> as bytes (Latin-1: one byte per character, as typed).</summary>
    public byte[] Send { get; }

    public Regex? Receive { get; }

    public Regex? ReceiveDisable { get; }

    /// <summary>Where to probe for a member or node at <paramref name="target"/>: the target itself, its address at the alias port, or the alias endpoint.</summary>
    public IPEndPoint Resolve(IPEndPoint target) =>
        _aliasEndPoint ?? (_aliasPort > 0 ? new IPEndPoint(target.Address, _aliasPort) : target);

    /// <summary>Status codes counted as up: those listed, or any 2xx or 3xx when none are.</summary>
    public bool IsExpectedStatus(int status) =>
        Config.ExpectedStatusCodes.IsDefaultOrEmpty ? status is >= 200 and < 400 : Config.ExpectedStatusCodes.Contains(status);

    /// <summary>
    /// Judges an answer as LTM does: up when the receive pattern matches and the status (if any) is expected;
    /// otherwise disabled when the receive-disable pattern matches (it wins over a bad status, so a 503 maintenance
    /// page can disable); otherwise up when there is no receive pattern and the status is fine; otherwise down.
    /// </summary>
    public ProbeResult Judge(string answer, int? status = null)
    {
        var received = Receive is not null && Matches(Receive, answer);
        var statusOk = status is not int s || IsExpectedStatus(s);
        if (received && statusOk)
        {
            return ProbeResult.Up();
        }
        if (ReceiveDisable is not null && Matches(ReceiveDisable, answer))
        {
            return ProbeResult.Disabled($"{Type}: receive-disable string matched");
        }
        if (Receive is null && statusOk)
        {
            return ProbeResult.Up();
        }
        return !statusOk
            ? ProbeResult.Down(string.Create(CultureInfo.InvariantCulture, $"{Type}: status {status} not expected"))
            : ProbeResult.Down($"{Type}: receive string not found");
    }

    private static bool Matches(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Regex? Compile(string? pattern) =>
        string.IsNullOrEmpty(pattern) ? null : new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);

    /// <summary>Turns the two-character escapes an operator types (as in tmsh: <c>GET / HTTP/1.0\r\n\r\n</c>) into CR, LF, TAB and backslash.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                var replacement = next switch { 'r' => '\r', 'n' => '\n', 't' => '\t', '\\' => '\\', _ => '\0' };
                if (replacement != '\0')
                {
                    sb.Append(replacement);
                    i++;
                    continue;
                }
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static void ParseDestination(string destination, out IPEndPoint? endPoint, out int port)
    {
        endPoint = null;
        port = 0;
        if (destination is "*:*" or "")
        {
            return;
        }
        if (destination.StartsWith("*:", StringComparison.Ordinal))
        {
            _ = int.TryParse(destination.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out port);
            return;
        }
        if (AddressSyntax.TryParseEndpoint(destination, out var ep))
        {
            endPoint = ep;
        }
    }
}
