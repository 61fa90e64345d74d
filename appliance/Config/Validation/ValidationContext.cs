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
