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
        var pools = config.Pools.ToFrozenDictionary(p => p.Name, CompilePool, StringComparer.Ordinal);
        var virtuals = config.Virtuals
            .Select(v => CompileVirtual(config, v, pools))
            .Where(v => v is not null)
            .ToFrozenDictionary(v => v!.Name, v => v!, StringComparer.Ordinal);
        return new RuntimeSnapshot(generation, config, virtuals, pools);
    }

    private static RuntimePool CompilePool(Pool pool) =>
        new(pool, pool.Members
            .Select(m => AddressSyntax.TryParseIp(m.Address, out var ip) ? new RuntimeMember(m, new IPEndPoint(ip, m.Port)) : null)
            .OfType<RuntimeMember>()
            .ToArray());

    private static RuntimeVirtual? CompileVirtual(FulcrumConfig config, VirtualServer v, FrozenDictionary<string, RuntimePool> pools)
    {
        if (!AddressSyntax.TryParseEndpoint(v.Destination, out var destination))
        {
            return null;
        }
        TcpProfile? tcp = null;
        HttpProfile? http = null;
        OneConnectProfile? oneConnect = null;
        foreach (var name in v.Profiles)
        {
            switch (config.Profiles.Find(name))
            {
                case TcpProfile t: tcp = t; break;
                case HttpProfile h: http = h; break;
                case OneConnectProfile o: oneConnect = o; break;
            }
        }
        var persistence = v.Persistence is null ? null : config.Profiles.Persistence.FirstOrDefault(p => p.Name == v.Persistence);
        var pool = v.Pool is null ? null : pools.GetValueOrDefault(v.Pool);
        return new RuntimeVirtual(v, destination, pool, tcp ?? new TcpProfile { Name = "tcp" }, http, oneConnect, persistence);
    }
}
