using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

internal sealed class NodeValidator : IConfigValidator
{
    public void Validate(ValidationContext context)
    {
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in context.Config.Nodes)
        {
            var path = $"nodes/{node.Name}";
            context.ServerAddress(path, "address", node.Address);
            if (AddressSyntax.TryParseIp(node.Address, out var ip))
            {
                if (addresses.TryGetValue(ip.ToString(), out var other))
                {
                    context.Add($"{path}/address", $"node '{other}' already has address {node.Address}");
                }
                addresses.TryAdd(ip.ToString(), node.Name);
            }
            context.Monitors(path, node.Monitors);
            context.Range(path, "connectionLimit", node.ConnectionLimit, 0, int.MaxValue);
            context.Range(path, "ratio", node.Ratio, 1, 65535);
            context.OneOf(path, "state", node.State, MemberStates.All);
        }
    }
}
