namespace Fulcrum.Scripting.Contracts;

/// <summary>
/// One DNS query on a dns virtual server, in DNS_REQUEST (<c>ctx.dns</c>). The engine validates arguments; the
/// appliance records the decision and builds the answer after the event.
/// </summary>
public interface IRuleDns
{
    /// <summary>The queried name, lower case, without the trailing dot.</summary>
    string Name { get; }

    /// <summary>The query type's mnemonic (<c>A</c>, <c>AAAA</c>, <c>CNAME</c>, <c>SOA</c>, <c>ANY</c>…), or <c>TYPE</c>n.</summary>
    string Type { get; }

    /// <summary>The EDNS Client Subnet as <c>address/prefix</c>, or null when the query carries none.</summary>
    string? Subnet { get; }

    /// <summary>Answer with these addresses (IPv4 as A, IPv6 as AAAA, those of the queried type); <paramref name="ttl"/> -1: the wide IP's TTL, else 30.</summary>
    void Answer(IReadOnlyList<string> addresses, int ttl);

    /// <summary>Answer from the members of <paramref name="pool"/>; null when done, else why it cannot be (the event fails with it).</summary>
    string? Pool(string pool);

    /// <summary>Answer NXDOMAIN (with the zone's SOA when the name is inside one).</summary>
    void NxDomain();

    /// <summary>Answer REFUSED.</summary>
    void Refused();
}
