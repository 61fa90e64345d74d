using System.Net;
using Fulcrum.Appliance.Dns.Wire;
using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Appliance.Dns;

/// <summary>What a DNS_REQUEST rule decided about a query's answer.</summary>
public enum DnsRuleDecision : byte
{
    /// <summary>Nothing: answer from the catalog as configured.</summary>
    None,
    /// <summary><c>ctx.dns.answer(...)</c>: these addresses.</summary>
    Answer,
    /// <summary><c>ctx.dns.pool(name)</c>: from the members of that pool of the wide IP.</summary>
    Pool,
    NxDomain,
    Refused,
}

/// <summary>
/// One query as DNS_REQUEST sees it (<c>ctx.dns</c>, <c>ctx.client</c>, <c>ctx.local</c>), made only for dns virtual
/// servers with rules. What concerns connections (tcp, lb, persistence) does not exist for a query: the save-time
/// checks and the engine refuse those members in DNS_REQUEST before they could be reached.
/// </summary>
public sealed class DnsRuleQuery : IRuleEventContext, IRuleDns
{
    private readonly DnsWideIpEntry? _wideIp;
    private readonly ClientSubnet? _subnet;

    public DnsRuleQuery(string virtualServer, IPEndPoint client, IPEndPoint local, string name, ushort type, ClientSubnet? subnet, DnsWideIpEntry? wideIp)
    {
        VirtualServer = virtualServer;
        Client = client;
        Local = local;
        Name = name;
        QueryType = type;
        _subnet = subnet;
        _wideIp = wideIp;
    }

    public DnsRuleDecision Decision { get; private set; }

    /// <summary>With <see cref="DnsRuleDecision.Answer"/>: the addresses the rule gave.</summary>
    public IPAddress[] Addresses { get; private set; } = [];

    /// <summary>With <see cref="DnsRuleDecision.Answer"/>: the TTL the rule gave, or -1.</summary>
    public int Ttl { get; private set; } = -1;

    /// <summary>With <see cref="DnsRuleDecision.Pool"/>: the pool's position in the wide IP's pools.</summary>
    public int PoolIndex { get; private set; } = -1;

    public ushort QueryType { get; }

    // IRuleEventContext
    public string VirtualServer { get; }

    public IPEndPoint Client { get; }

    public IPEndPoint Local { get; }

    public IPEndPoint? Server => null;

    public IRuleHttp? Http => null;

    public IRuleTcp Tcp => throw NotForDns("ctx.tcp");

    public IRuleBalancer Balancer => throw NotForDns("ctx.lb");

    public IRulePersistence Persistence => throw NotForDns("ctx.persist");

    public IRuleSsl? Ssl => null;

    public IRuleDns Dns => this;

    // IRuleDns
    public string Name { get; }

    public string Type => DnsTypes.Name(QueryType) is var n && n != "other" ? n : "TYPE" + QueryType.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string? Subnet => _subnet?.ToString();

    public void Answer(IReadOnlyList<string> addresses, int ttl)
    {
        Addresses = [.. addresses.Select(IPAddress.Parse)];
        Ttl = ttl;
        Decision = DnsRuleDecision.Answer;
    }

    public string? Pool(string pool)
    {
        if (_wideIp is null)
        {
            return $"'{Name}' is not a wide IP of this virtual server; answer with ctx.dns.answer(addresses)";
        }
        var index = _wideIp.Config.Pools.IndexOf(pool);
        if (index < 0)
        {
            return $"not a pool of wide IP '{Name}' (its pools: {string.Join(", ", _wideIp.Config.Pools)})";
        }
        PoolIndex = index;
        Decision = DnsRuleDecision.Pool;
        return null;
    }

    public void NxDomain() => Decision = DnsRuleDecision.NxDomain;

    public void Refused() => Decision = DnsRuleDecision.Refused;

    private static InvalidOperationException NotForDns(string what) => new($"{what} does not exist in DNS_REQUEST: a query has no connection");
}
