using System.Text.RegularExpressions;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

internal sealed class MonitorValidator : IConfigValidator
{
    public void Validate(ValidationContext context)
    {
        foreach (var m in context.Config.Monitors)
        {
            var path = $"monitors/{m.Name}";
            context.OneOf(path, "type", m.Type, MonitorTypes.All);
            context.Range(path, "interval", m.Interval, 1, 86400);
            context.Range(path, "timeout", m.Timeout, 1, 86400);
            if (m.Timeout <= m.Interval)
            {
                context.Add($"{path}/timeout", $"timeout ({m.Timeout}s) must be longer than interval ({m.Interval}s); LTM's rule of thumb is 3×interval+1 = {(3 * m.Interval) + 1}");
            }
            context.Range(path, "upInterval", m.UpInterval, 0, 86400);
            context.Range(path, "timeUntilUp", m.TimeUntilUp, 0, 86400);
            Pattern(context, path, "receive", m.Receive);
            Pattern(context, path, "receiveDisable", m.ReceiveDisable);
            for (var i = 0; i < m.ExpectedStatusCodes.Length; i++)
            {
                context.Range(path, $"expectedStatusCodes/{i}", m.ExpectedStatusCodes[i], 100, 599);
            }
            if (m.Send is { Length: <= StringLimits.MonitorSend } send && !send.Contains('\0', StringComparison.Ordinal)
                && m.Type is MonitorTypes.Http or MonitorTypes.Https
                && HeaderGrammar.HttpRequestProblem(Health.CompiledMonitor.Unescape(send)) is { } requestProblem)
            {
                // The probe writes send as it is: a malformed head would split into two requests or hang the member.
                context.Add($"{path}/send", requestProblem);
            }
            if (m.Send is { Length: <= StringLimits.MonitorSend } raw && Health.CompiledMonitor.Unescape(raw).Any(c => c > 0xFF))
            {
                context.Add($"{path}/send", "send is written as Latin-1 (one byte per character): characters above U+00FF cannot be sent");
            }
            if (!ValidDestination(m.Destination))
            {
                context.Add($"{path}/destination", $"'{m.Destination}' is not '*:*', '*:PORT' or 'IP:PORT'");
            }
            if (m.Type == MonitorTypes.External && string.IsNullOrWhiteSpace(m.Program))
            {
                context.Add($"{path}/program", "an external monitor needs a program to run");
            }
            if (m.Type != MonitorTypes.External && m.Program is not null)
            {
                context.Add($"{path}/program", "program is used only by external monitors");
            }
            if (m.ServerSsl is not null)
            {
                if (m.Type != MonitorTypes.Https)
                {
                    context.Add($"{path}/serverSsl", "serverSsl is used only by https monitors");
                }
                context.Reference(path, "serverSsl", m.ServerSsl, ConfigKinds.ServerSslProfiles);
            }
            if (m.Type == MonitorTypes.Udp && string.IsNullOrEmpty(m.Send))
            {
                context.Add($"{path}/send", "a udp monitor needs a send string");
            }
        }
    }

    private static void Pattern(ValidationContext context, string path, string field, string? pattern)
    {
        if (pattern is null)
        {
            return;
        }
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            context.Add($"{path}/{field}", $"not a valid regular expression: {ex.Message}");
        }
    }

    private static bool ValidDestination(string destination)
    {
        if (destination == "*:*")
        {
            return true;
        }
        if (destination.StartsWith("*:", StringComparison.Ordinal))
        {
            return int.TryParse(destination.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
        }
        return AddressSyntax.TryParseEndpoint(destination, out _);
    }
}
