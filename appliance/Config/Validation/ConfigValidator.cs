using System.Net;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// Validates a whole configuration once per change and returns every problem. The same validators run for the API,
/// transactions, bundle import, rollback and start-up, so a config is judged the same way wherever it comes from.
/// </summary>
public sealed class ConfigValidator
{
    private static readonly IConfigValidator[] Validators =
    [
        new NamesValidator(),
        new StringFieldsValidator(),
        new VirtualServerValidator(),
        new PoolValidator(),
        new NodeValidator(),
        new MonitorValidator(),
        new ProfileValidator(),
        new CertificateValidator(),
        new RuleValidator(),
        new DataGroupValidator(),
        new WideIpValidator(),
    ];

    private readonly IReadOnlyList<IPEndPoint> _reserved;

    public ConfigValidator(IReadOnlyList<IPEndPoint>? reservedEndpoints = null)
    {
        _reserved = reservedEndpoints ?? [];
    }

    public IReadOnlyList<ConfigError> Validate(FulcrumConfig config)
    {
        var context = new ValidationContext(config, _reserved);
        foreach (var v in Validators)
        {
            v.Validate(context);
        }
        return context.Errors;
    }
}
