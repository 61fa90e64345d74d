using System.Net.Sockets;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Wide IPs, and what a virtual server of type <c>dns</c> may and may not carry (docs/DNS.md).</summary>
internal sealed class WideIpValidator : IConfigValidator
{
    public const int MaxTtl = 604_800;

    public void Validate(ValidationContext context)
    {
        foreach (var w in context.Config.WideIps)
        {
            ValidateWideIp(context, w);
        }
        foreach (var v in context.Config.Virtuals)
        {
            if (v.Type == VirtualServerTypes.Dns)
            {
                ValidateDnsVirtual(context, v);
            }
            else
            {
                if (v.WideIps.Length > 0)
                {
                    context.Add($"virtuals/{v.Name}/wideIps", "only a virtual server of type 'dns' answers for wide IPs");
                }
                if (v.ResponseRateLimit is not null)
                {
                    context.Add($"virtuals/{v.Name}/responseRateLimit", "response rate limiting applies to virtual servers of type 'dns' only");
                }
            }
        }
    }

    /// <summary>A host name as DNS carries it: lower-case labels of letters, digits, '-' and '_', 1 to 63 each, 253 characters at most.</summary>
    public static string? HostNameProblem(string name, int minLabels)
    {
        if (name.Length > 253)
        {
            return "a DNS name may have at most 253 characters";
        }
        var labels = name.Split('.');
        if (labels.Length < minLabels)
        {
            return $"a DNS name here needs at least {minLabels} labels (such as www.example.com), so that it lies in a zone";
        }
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                return "each label of a DNS name has 1 to 63 characters";
            }
            foreach (var c in label)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
                {
                    return "a DNS name may contain only lower-case letters, digits, '-' and '_' between its dots";
                }
            }
        }
        return null;
    }

    private static void ValidateWideIp(ValidationContext context, WideIp w)
    {
        var path = $"wideips/{w.Name}";
        if (HostNameProblem(w.Name, 2) is { } nameProblem)
        {
            context.Add($"{path}/name", nameProblem);
        }
        context.OneOf(path, "type", w.Type, WideIpTypes.All);
        context.OneOf(path, "method", w.Method, WideIpMethods.All);
        context.Range(path, "ttl", w.Ttl, 0, MaxTtl);
        context.Range(path, "maxAnswers", w.MaxAnswers, 1, 32);
        var family = w.Type switch { WideIpTypes.A => AddressFamily.InterNetwork, WideIpTypes.Aaaa => AddressFamily.InterNetworkV6, _ => AddressFamily.Unspecified };
        if (w.Pools.Length == 0)
        {
            context.Add($"{path}/pools", "a wide IP needs at least one pool");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < w.Pools.Length; i++)
        {
            var name = w.Pools[i];
            if (!seen.Add(name))
            {
                context.Add($"{path}/pools/{i}", $"pool '{name}' is listed twice");
                continue;
            }
            if (ConfigKinds.Pools.Find(context.Config, name) is not Pool pool)
            {
                context.Add($"{path}/pools/{i}", $"pool '{name}' does not exist");
                continue;
            }
            if (family != AddressFamily.Unspecified && !pool.Members.Any(m => AddressSyntax.TryParseIp(m.Address, out var a) && a.AddressFamily == family))
            {
                context.Add($"{path}/pools/{i}", $"pool '{name}' has no {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} member, so it could never make a {w.Type} answer");
            }
        }
        if (w.Method == WideIpMethods.Topology)
        {
            if (w.Topology.Length == 0)
            {
                context.Add($"{path}/topology", "method 'topology' needs at least one topology record");
            }
            for (var i = 0; i < w.Topology.Length; i++)
            {
                var t = w.Topology[i];
                if (!AddressSyntax.IsCidr(t.Subnet))
                {
                    context.Add($"{path}/topology/{i}/subnet", $"'{t.Subnet}' is not an address or CIDR prefix such as 10.0.0.0/8");
                }
                if (!w.Pools.Contains(t.Pool))
                {
                    context.Add($"{path}/topology/{i}/pool", $"pool '{t.Pool}' is not one of this wide IP's pools");
                }
            }
        }
        else if (w.Topology.Length > 0)
        {
            context.Add($"{path}/topology", "topology records are used only with method 'topology'");
        }
        if (w.Type == WideIpTypes.Cname)
        {
            foreach (var pool in w.Pools)
            {
                if (!w.Cnames.ContainsKey(pool))
                {
                    context.Add($"{path}/cnames", $"a CNAME wide IP needs a target name for each pool; '{pool}' has none");
                }
            }
            foreach (var (pool, target) in w.Cnames)
            {
                if (!w.Pools.Contains(pool))
                {
                    context.Add($"{path}/cnames/{pool}", $"pool '{pool}' is not one of this wide IP's pools");
                }
                else if (HostNameProblem(target, 1) is { } problem)
                {
                    context.Add($"{path}/cnames/{pool}", problem);
                }
            }
        }
        else if (w.Cnames.Count > 0)
        {
            context.Add($"{path}/cnames", "cnames are used only by wide IPs of type CNAME");
        }
        if (w.Fallback is { } fallback)
        {
            var problem = w.Type switch
            {
                WideIpTypes.Cname => HostNameProblem(fallback, 1),
                _ when !AddressSyntax.TryParseIp(fallback, out var ip) || ip.AddressFamily != family => $"'{fallback}' is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address, which a {w.Type} answer needs",
                _ => null,
            };
            if (problem is not null)
            {
                context.Add($"{path}/fallback", problem);
            }
        }
    }

    private static void ValidateDnsVirtual(ValidationContext context, VirtualServer v)
    {
        var path = $"virtuals/{v.Name}";
        if (v.WideIps.Length == 0)
        {
            context.Add($"{path}/wideIps", "a dns virtual server needs at least one wide IP");
        }
        if (v.ResponseRateLimit is { } limit)
        {
            context.Range(path, "responseRateLimit", limit, 0, 1_000_000);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < v.WideIps.Length; i++)
        {
            context.Reference(path, $"wideIps/{i}", v.WideIps[i], ConfigKinds.WideIps);
            if (!seen.Add(v.WideIps[i]))
            {
                context.Add($"{path}/wideIps/{i}", $"wide IP '{v.WideIps[i]}' is listed twice");
            }
        }
        // A dns virtual answers from its wide IPs alone: everything about connections to members does not apply.
        if (v.Protocol != "tcp")
        {
            context.Add($"{path}/protocol", "a dns virtual server listens on UDP and TCP both; leave protocol at its default, tcp");
        }
        if (v.Profiles.Length > 0)
        {
            context.Add($"{path}/profiles", "a dns virtual server takes no profiles; send \"profiles\": []");
        }
        if (v.Pool is not null)
        {
            context.Add($"{path}/pool", "a dns virtual server answers from its wide IPs' pools; it has no pool of its own");
        }
        if (v.Persistence is not null || v.FallbackPersistence is not null)
        {
            context.Add($"{path}/persistence", "a dns virtual server has no persistence; use method consistent-hash on the wide IP for sticky answers");
        }
        if (v.SourceAddressTranslation != SourceTranslations.None)
        {
            context.Add($"{path}/sourceAddressTranslation", "a dns virtual server makes no connections to members; send \"sourceAddressTranslation\": \"none\"");
        }
        if (v.ClientSideTcp is not null || v.ServerSideTcp is not null)
        {
            context.Add($"{path}/clientSideTcp", "a dns virtual server takes no tcp profiles");
        }
        if (v.ConnectionLimit != 0)
        {
            context.Add($"{path}/connectionLimit", "a dns virtual server has no connection limit; queries are limited per source by response rate limiting");
        }
        // VirtualServerValidator already refuses another tcp virtual on this address and port; a udp one would take the UDP half.
        if (AddressSyntax.TryParseEndpoint(v.Destination, out var endpoint))
        {
            foreach (var other in context.Config.Virtuals)
            {
                if (other.Protocol == "udp" && AddressSyntax.TryParseEndpoint(other.Destination, out var o) && o.Equals(endpoint))
                {
                    context.Add($"{path}/destination", $"udp virtual server '{other.Name}' already listens on {v.Destination}");
                }
            }
        }
    }
}
