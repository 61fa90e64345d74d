using System.Collections.Frozen;
using System.Net;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Config.Runtime;

/// <summary>Compiles a validated config into a <see cref="RuntimeSnapshot"/>. Runs on the control plane, once per change.</summary>
public static class RuntimeCompiler
{
    public static RuntimeSnapshot Compile(long generation, FulcrumConfig config)
    {
        var nodes = NodeStates(config);
        var pools = config.Pools.ToFrozenDictionary(p => p.Name, p => CompilePool(p, nodes), StringComparer.Ordinal);
        var virtuals = config.Virtuals
            .Select(v => CompileVirtual(config, v, pools))
            .Where(v => v is not null)
            .ToFrozenDictionary(v => v!.Name, v => v!, StringComparer.Ordinal);
        return new RuntimeSnapshot(generation, config, virtuals, pools);
    }

    private static RuntimePool CompilePool(Pool pool, Dictionary<IPAddress, MemberAdminState> nodes) =>
        new(pool, pool.Members
            .Select(m => AddressSyntax.TryParseIp(m.Address, out var ip)
                ? new RuntimeMember(m, new IPEndPoint(ip, m.Port))
                {
                    AdminState = MemberAdminStates.Strictest(MemberAdminStates.Parse(m.State), nodes.GetValueOrDefault(ip, MemberAdminState.Enabled)),
                }
                : null)
            .OfType<RuntimeMember>()
            .ToArray());

    /// <summary>Node states by parsed address, so <c>10.0.0.1</c> and a member written <c>10.000.0.1</c> or IPv6 forms match.</summary>
    private static Dictionary<IPAddress, MemberAdminState> NodeStates(FulcrumConfig config)
    {
        var nodes = new Dictionary<IPAddress, MemberAdminState>();
        foreach (var node in config.Nodes)
        {
            if (AddressSyntax.TryParseIp(node.Address, out var ip))
            {
                var state = MemberAdminStates.Parse(node.State);
                nodes[ip] = nodes.TryGetValue(ip, out var other) ? MemberAdminStates.Strictest(other, state) : state;
            }
        }
        return nodes;
    }

    private static RuntimeVirtual? CompileVirtual(FulcrumConfig config, VirtualServer v, FrozenDictionary<string, RuntimePool> pools)
    {
        if (!AddressSyntax.TryParseEndpoint(v.Destination, out var destination))
        {
            return null;
        }
        TcpProfile? tcp = null;
        HttpProfile? http = null;
        OneConnectProfile? oneConnect = null;
        ClientSslProfile? clientSsl = null;
        ServerSslProfile? serverSsl = null;
        foreach (var name in v.Profiles)
        {
            switch (config.Profiles.Find(name))
            {
                case TcpProfile t: tcp = t; break;
                case HttpProfile h: http = h; break;
                case OneConnectProfile o: oneConnect = o; break;
                case ClientSslProfile c: clientSsl = c; break;
                case ServerSslProfile s: serverSsl = s; break;
            }
        }
        var persistence = v.Persistence is null ? null : config.Profiles.Persistence.FirstOrDefault(p => p.Name == v.Persistence);
        var pool = v.Pool is null ? null : pools.GetValueOrDefault(v.Pool);
        tcp ??= new TcpProfile { Name = "tcp" };
        var clientTcp = v.ClientSideTcp is null ? tcp : config.Profiles.Tcp.FirstOrDefault(p => p.Name == v.ClientSideTcp) ?? tcp;
        var serverTcp = v.ServerSideTcp is null ? tcp : config.Profiles.Tcp.FirstOrDefault(p => p.Name == v.ServerSideTcp) ?? tcp;
        return new RuntimeVirtual(v, destination, pool, tcp, http, oneConnect, persistence) { ClientSsl = clientSsl, ServerSsl = serverSsl, ClientTcp = clientTcp, ServerTcp = serverTcp };
    }
}
