using System.Net;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

internal sealed partial class VirtualServerValidator : IConfigValidator
{
    public void Validate(ValidationContext context)
    {
        var config = context.Config;
        var destinations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in config.Virtuals)
        {
            var path = $"virtuals/{v.Name}";
            if (!AddressSyntax.TryParseEndpoint(v.Destination, out var endpoint))
            {
                context.Add($"{path}/destination", $"'{v.Destination}' is not an address and port such as 10.0.0.1:80 or [2001:db8::1]:443 with a port from 1 to 65535");
            }
            else if (endpoint.Address.IsIPv4MappedToIPv6)
            {
                // A socket bound to ::ffff:a.b.c.d cannot listen (dual-stack sockets bind v4 addresses as v4); it would fail on every reconcile.
                context.Add($"{path}/destination", $"{v.Destination} is an IPv4-mapped IPv6 address, which cannot be listened on; use {endpoint.Address.MapToIPv4()}:{endpoint.Port}");
            }
            else
            {
                var key = $"{v.Protocol}/{endpoint}";
                if (destinations.TryGetValue(key, out var other))
                {
                    context.Add($"{path}/destination", $"virtual server '{other}' already listens on {v.Destination}");
                }
                else
                {
                    destinations[key] = v.Name;
                }
                foreach (var reserved in context.ReservedEndpoints)
                {
                    if (reserved.Port == endpoint.Port && (reserved.Address.Equals(endpoint.Address) || reserved.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.Any)))
                    {
                        context.Add($"{path}/destination", $"{v.Destination} is the management listener's address");
                    }
                }
            }
            context.OneOf(path, "type", v.Type, VirtualServerTypes.All);
            if (v.Protocol is not ("tcp" or "udp"))
            {
                context.Add($"{path}/protocol", $"unknown protocol '{v.Protocol}'; expected tcp or udp");
            }
            context.Reference(path, "pool", v.Pool, ConfigKinds.Pools);
            context.Range(path, "connectionLimit", v.ConnectionLimit, 0, int.MaxValue);
            ValidateProfiles(context, v, path);
            context.Reference(path, "clientSideTcp", v.ClientSideTcp, ConfigKinds.TcpProfiles);
            context.Reference(path, "serverSideTcp", v.ServerSideTcp, ConfigKinds.TcpProfiles);
            ValidateFastOpen(context, v, path);
            ValidateRules(context, v, path);
            ValidatePersistence(context, v, path, "persistence", v.Persistence);
            ValidatePersistence(context, v, path, "fallbackPersistence", v.FallbackPersistence);
            if (v.Type == VirtualServerTypes.PerformanceL4)
            {
                ValidatePacketMode(context, v, path);
            }
            else
            {
                ValidateTranslation(context, v, path);
                RefusePacketFields(context, v, path);
            }
        }
    }

    /// <summary>Fast Open the kernel would ignore is refused: listeners need bit 2 of net.ipv4.tcp_fastopen, connects bit 1.</summary>
    private static void ValidateFastOpen(ValidationContext context, VirtualServer v, string path)
    {
        var shared = v.Profiles.Select(n => context.Config.Profiles.Tcp.FirstOrDefault(t => t.Name == n)).FirstOrDefault(t => t is not null);
        var client = v.ClientSideTcp is null ? shared : context.Config.Profiles.Tcp.FirstOrDefault(t => t.Name == v.ClientSideTcp);
        var server = v.ServerSideTcp is null ? shared : context.Config.Profiles.Tcp.FirstOrDefault(t => t.Name == v.ServerSideTcp);
        var sysctl = DataPlane.Transport.SocketOptions.KernelTcp.FastOpen();
        if (client is { FastOpen: true } && (sysctl & 2) == 0)
        {
            context.Add($"{path}/{(v.ClientSideTcp is null ? "profiles" : "clientSideTcp")}", $"tcp profile '{client.Name}' has fastOpen, but this kernel's net.ipv4.tcp_fastopen ({sysctl}) does not let listeners accept it (bit 2)");
        }
        if (server is { FastOpen: true } && (sysctl & 1) == 0)
        {
            context.Add($"{path}/{(v.ServerSideTcp is null ? "profiles" : "serverSideTcp")}", $"tcp profile '{server.Name}' has fastOpen, but this kernel's net.ipv4.tcp_fastopen ({sysctl}) does not let connects use it (bit 1)");
        }
    }

    private static void ValidateProfiles(ValidationContext context, VirtualServer v, string path)
    {
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < v.Profiles.Length; i++)
        {
            var name = v.Profiles[i];
            var profile = context.Config.Profiles.Find(name);
            if (profile is null)
            {
                context.Add($"{path}/profiles/{i}", $"profile '{name}' does not exist");
                continue;
            }
            if (profile.Kind == ProfileKinds.Persistence)
            {
                context.Add($"{path}/profiles/{i}", $"'{name}' is a persistence profile; name it in 'persistence' instead");
                continue;
            }
            if (kinds.TryGetValue(profile.Kind, out var other))
            {
                context.Add($"{path}/profiles/{i}", $"profiles '{other}' and '{name}' are both {profile.Kind} profiles; a virtual server takes one of each kind");
                continue;
            }
            kinds[profile.Kind] = name;
            if (profile is ClientSslProfile { Certificate: null })
            {
                context.Add($"{path}/profiles/{i}", $"client-ssl profile '{name}' has no certificate; a virtual server that terminates TLS needs one");
            }
        }
        var l4 = v.Type == VirtualServerTypes.PerformanceL4;
        if (!l4 && v.Type != VirtualServerTypes.Dns && v.Protocol == "tcp" && !kinds.ContainsKey(ProfileKinds.Tcp))
        {
            context.Add($"{path}/profiles", "a standard tcp virtual server needs a tcp profile (for example the built-in 'tcp')");
        }
        if (kinds.ContainsKey(ProfileKinds.OneConnect) && !kinds.ContainsKey(ProfileKinds.Http))
        {
            context.Add($"{path}/profiles", "a oneconnect profile needs an http profile on the same virtual server");
        }
        if (l4)
        {
            foreach (var kind in kinds.Keys.Where(k => k != ProfileKinds.Tcp))
            {
                context.Add($"{path}/profiles", $"a performance-l4 virtual server forwards packets and cannot take a {kind} profile");
            }
            if (v.Rules.Length > 0)
            {
                context.Add($"{path}/rules", "a performance-l4 virtual server forwards packets and cannot run rules");
            }
        }
    }

    private static void ValidateRules(ValidationContext context, VirtualServer v, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < v.Rules.Length; i++)
        {
            context.Reference(path, $"rules/{i}", v.Rules[i], ConfigKinds.Rules);
            if (!seen.Add(v.Rules[i]))
            {
                context.Add($"{path}/rules/{i}", $"rule '{v.Rules[i]}' is listed twice");
            }
        }
    }

    private static void ValidatePersistence(ValidationContext context, VirtualServer v, string path, string field, string? name)
    {
        if (name is null)
        {
            return;
        }
        var profile = ConfigKinds.PersistenceProfiles.Find(context.Config, name) as PersistenceProfile;
        if (profile is null)
        {
            context.Add($"{path}/{field}", $"persistence profile '{name}' does not exist");
            return;
        }
        var hasHttp = v.Profiles.Any(p => context.Config.Profiles.Find(p)?.Kind == ProfileKinds.Http);
        if (profile.Method is PersistenceMethods.Cookie or PersistenceMethods.Hash && !hasHttp)
        {
            context.Add($"{path}/{field}", $"{profile.Method} persistence ('{name}') needs an http profile on the virtual server");
        }
    }

    private static void ValidateTranslation(ValidationContext context, VirtualServer v, string path)
    {
        context.OneOf(path, "sourceAddressTranslation", v.SourceAddressTranslation, SourceTranslations.All);
        if (v.SourceAddressTranslation == SourceTranslations.Snat && v.SnatPool.Length == 0)
        {
            context.Add($"{path}/snatPool", "snat translation needs at least one address in snatPool");
        }
        if (v.SourceAddressTranslation != SourceTranslations.Snat && v.SnatPool.Length > 0)
        {
            context.Add($"{path}/snatPool", "snatPool is used only with sourceAddressTranslation 'snat'");
        }
        for (var i = 0; i < v.SnatPool.Length; i++)
        {
            context.Address(path, $"snatPool/{i}", v.SnatPool[i]);
        }
    }
}
