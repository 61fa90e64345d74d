using System.Net;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>The configuration under validation, the errors found so far, and helpers shared by the validators.</summary>
internal sealed class ValidationContext
{
    private readonly List<ConfigError> _errors = [];

    public ValidationContext(FulcrumConfig config, IReadOnlyList<IPEndPoint> reservedEndpoints)
    {
        Config = config;
        ReservedEndpoints = reservedEndpoints;
    }

    public FulcrumConfig Config { get; }

    /// <summary>Endpoints no virtual server may take (the management listener).</summary>
    public IReadOnlyList<IPEndPoint> ReservedEndpoints { get; }

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Add(string path, string message) => _errors.Add(new ConfigError(path, message));

    public void Range(string path, string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            Add($"{path}/{field}", $"{field} must be between {min} and {max}, not {value}");
        }
    }

    public void OneOf(string path, string field, string? value, IReadOnlySet<string> allowed)
    {
        if (value is null || !allowed.Contains(value))
        {
            Add($"{path}/{field}", $"unknown {field} '{value}'; expected one of: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
        }
    }

    public void Address(string path, string field, string? value)
    {
        if (!AddressSyntax.IsIp(value))
        {
            Add($"{path}/{field}", $"'{value}' is not an IPv4 or IPv6 address");
        }
    }

    /// <summary>An address a member or node can be: valid, and not unspecified, broadcast or multicast.</summary>
    public void ServerAddress(string path, string field, string? value)
    {
        if (!AddressSyntax.TryParseIp(value, out var ip))
        {
            Add($"{path}/{field}", $"'{value}' is not an IPv4 or IPv6 address");
        }
        else if (AddressSyntax.NotAServerProblem(ip) is { } problem)
        {
            Add($"{path}/{field}", problem);
        }
    }

    /// <summary>A netmask such as 255.255.255.0: an address whose one bits are contiguous from the left.</summary>
    public void Mask(string path, string field, string? value)
    {
        if (!AddressSyntax.TryParseIp(value, out var mask))
        {
            Add($"{path}/{field}", $"'{value}' is not a mask such as 0.0.0.0 or 255.255.255.0");
        }
        else if (!AddressSyntax.IsContiguousMask(mask))
        {
            Add($"{path}/{field}", $"'{value}' is not a contiguous mask: its one bits must all come before its zero bits (255.255.255.0, not 255.0.255.0)");
        }
    }

    /// <summary>Monitor names: each exists, and none is listed twice.</summary>
    public void Monitors(string path, IReadOnlyList<string> monitors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < monitors.Count; i++)
        {
            Reference(path, $"monitors/{i}", monitors[i], ConfigKinds.Monitors);
            if (monitors[i] is { } name && !seen.Add(name))
            {
                Add($"{path}/monitors/{i}", $"monitor '{name}' is listed twice");
            }
        }
    }

    public void Cidrs(string path, string field, IEnumerable<string> values)
    {
        var i = 0;
        foreach (var v in values)
        {
            if (!AddressSyntax.IsCidr(v))
            {
                Add($"{path}/{field}/{i}", $"'{v}' is not an address or CIDR prefix such as 10.0.0.0/8");
            }
            i++;
        }
    }

    public void Reference(string path, string field, string? name, ConfigKind kind)
    {
        if (name is not null && kind.Find(Config, name) is null)
        {
            Add($"{path}/{field}", $"{kind.Singular} '{name}' does not exist");
        }
    }
}
