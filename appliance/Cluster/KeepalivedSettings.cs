using System.Globalization;
using System.Text.RegularExpressions;

namespace Fulcrum.Appliance.Cluster;

/// <summary>
/// What <c>fulcrum cluster keepalived-config</c> needs besides the box's virtual addresses: they are facts about the
/// box and its pair (interface, router id, priority), not about the traffic config, so they are verb options and are
/// not stored in the config (a config bundle moves between boxes; these must differ between them).
/// </summary>
public sealed partial record KeepalivedSettings
{
    public required string Interface { get; init; }
    /// <summary>VRRP virtual_router_id, 1..255, the same on both boxes of a pair and unique on the segment.</summary>
    public int RouterId { get; init; }
    /// <summary>1..254; the higher wins. 255 is reserved by VRRP for the address owner.</summary>
    public int Priority { get; init; } = 100;
    /// <summary><c>MASTER</c> or <c>BACKUP</c>: the state keepalived starts in.</summary>
    public string State { get; init; } = "BACKUP";
    /// <summary>Seconds between adverts; fractions need VRRPv3 (keepalived's resolution is a centisecond).</summary>
    public decimal AdvertInt { get; init; } = 1;
    /// <summary>VRRPv2 PASS authentication (at most 8 characters); VRRPv3 has none, so it is refused with a fraction.</summary>
    public string? AuthPass { get; init; }
    /// <summary>Seconds between health checks.</summary>
    public int CheckInterval { get; init; } = 1;
    /// <summary>Failed checks before the box gives up mastership.</summary>
    public int Fall { get; init; } = 1;
    /// <summary>Passed checks before a failed box may take the addresses again.</summary>
    public int Rise { get; init; } = 2;
    /// <summary>How keepalived runs fulcrum (the check and notify verbs), e.g. <c>/usr/bin/dotnet /opt/fulcrum/fulcrum.dll</c>.</summary>
    public required string FulcrumCommand { get; init; }
    /// <summary>fulcrum-check.sh (shipped beside fulcrum.dll), run by keepalived with <c>/bin/sh</c>.</summary>
    public required string CheckScript { get; init; }
    /// <summary>The data directory the check and notify verbs read.</summary>
    public required string DataDir { get; init; }

    /// <summary>VRRP version 3 when the advert interval has a fraction (VRRPv2 counts whole seconds).</summary>
    public bool UsesVrrp3 => AdvertInt != decimal.Truncate(AdvertInt);

    /// <summary>Every problem, as <c>--option: message</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!InterfaceName().IsMatch(Interface))
        {
            errors.Add($"--interface: '{Interface}' is not an interface name (1 to 15 of letters, digits, '.', '-', '_', '@')");
        }
        if (RouterId is < 1 or > 255)
        {
            errors.Add($"--router-id: {RouterId} is outside 1..255");
        }
        if (Priority is < 1 or > 254)
        {
            errors.Add($"--priority: {Priority} is outside 1..254 (255 is reserved for the address owner)");
        }
        if (State is not ("MASTER" or "BACKUP"))
        {
            errors.Add($"--state: '{State}' is not MASTER or BACKUP");
        }
        if (AdvertInt < 0.01m || AdvertInt > 40.95m || decimal.Round(AdvertInt, 2) != AdvertInt)
        {
            errors.Add($"--advert-int: {AdvertInt.ToString(CultureInfo.InvariantCulture)} is outside 0.01..40.95 seconds in centiseconds (whole seconds 1..255 with VRRPv2)");
        }
        if (!UsesVrrp3 && AdvertInt > 255)
        {
            errors.Add("--advert-int: at most 255 seconds");
        }
        if (AuthPass is not null)
        {
            if (UsesVrrp3)
            {
                errors.Add("--auth-pass: VRRPv3 (a fractional --advert-int) has no authentication; use whole seconds or drop --auth-pass");
            }
            if (AuthPass.Length is < 1 or > 8 || !AuthPass.All(c => c is > ' ' and < '\x7f' and not '"'))
            {
                errors.Add("--auth-pass: 1 to 8 printable ASCII characters, no spaces or quotes (VRRPv2 PASS keeps 8)");
            }
        }
        if (CheckInterval is < 1 or > 60)
        {
            errors.Add($"--check-interval: {CheckInterval} is outside 1..60 seconds");
        }
        if (Fall is < 1 or > 10)
        {
            errors.Add($"--fall: {Fall} is outside 1..10");
        }
        if (Rise is < 1 or > 10)
        {
            errors.Add($"--rise: {Rise} is outside 1..10");
        }
        if (string.IsNullOrWhiteSpace(FulcrumCommand) || FulcrumCommand.Contains('"') || FulcrumCommand.Contains('\n'))
        {
            errors.Add("--fulcrum: a command without quotes or newlines is needed");
        }
        if (!Path.IsPathFullyQualified(CheckScript) || CheckScript.Contains('"') || CheckScript.Contains(' ') || CheckScript.Contains('\n'))
        {
            errors.Add($"--check-script: '{CheckScript}' must be an absolute path without spaces or quotes");
        }
        if (DataDir.Contains('"') || DataDir.Contains(' ') || DataDir.Contains('\n'))
        {
            errors.Add($"--data: '{DataDir}' has a space, quote or newline, which keepalived's script lines cannot carry");
        }
        return errors;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,15}$")]
    private static partial Regex InterfaceName();
}
