using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Editing;

/// <summary>Finds the objects that refer to a given object, to refuse deleting it with their names.</summary>
public static class ConfigReferences
{
    public static IReadOnlyList<string> ReferrersOf(FulcrumConfig config, ConfigKind kind, string name)
    {
        var found = new List<string>();
        if (kind == ConfigKinds.Pools)
        {
            found.AddRange(config.Virtuals.Where(v => v.Pool == name).Select(v => $"virtual server '{v.Name}'"));
            found.AddRange(config.WideIps.Where(w => w.Pools.Contains(name)).Select(w => $"wide IP '{w.Name}'"));
        }
        else if (kind == ConfigKinds.Monitors)
        {
            found.AddRange(config.Pools.Where(p => p.Monitors.Contains(name)).Select(p => $"pool '{p.Name}'"));
            found.AddRange(config.Nodes.Where(n => n.Monitors.Contains(name)).Select(n => $"node '{n.Name}'"));
        }
        else if (kind == ConfigKinds.Rules)
        {
            found.AddRange(config.Virtuals.Where(v => v.Rules.Contains(name)).Select(v => $"virtual server '{v.Name}'"));
        }
        else if (kind == ConfigKinds.Certificates)
        {
            found.AddRange(config.Profiles.ClientSsl.Where(p => p.Certificate == name || p.CaCertificate == name || p.SniCertificates.Contains(name)).Select(p => $"client-ssl profile '{p.Name}'"));
            found.AddRange(config.Profiles.ServerSsl.Where(p => p.Certificate == name || p.CaCertificate == name).Select(p => $"server-ssl profile '{p.Name}'"));
        }
        else if (kind == ConfigKinds.Nodes)
        {
            var node = config.Nodes.FirstOrDefault(n => n.Name == name);
            if (node is not null && Validation.AddressSyntax.TryParseIp(node.Address, out var ip))
            {
                found.AddRange(config.Pools
                    .Where(p => p.Members.Any(m => Validation.AddressSyntax.TryParseIp(m.Address, out var a) && a.Equals(ip)))
                    .Select(p => $"pool '{p.Name}'"));
            }
        }
        else if (kind == ConfigKinds.WideIps)
        {
            found.AddRange(config.Virtuals.Where(v => v.WideIps.Contains(name)).Select(v => $"virtual server '{v.Name}'"));
        }
        else if (ConfigKinds.Profiles.Contains(kind))
        {
            found.AddRange(config.Virtuals
                .Where(v => v.Profiles.Contains(name) || v.Persistence == name || v.FallbackPersistence == name)
                .Select(v => $"virtual server '{v.Name}'"));
        }
        return found;
    }
}
