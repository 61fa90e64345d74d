using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.Dns.Wire;
using Fulcrum.Scripting.Events;
using Fulcrum.Scripting.Runtime;

namespace Fulcrum.Appliance.Dns;

/// <summary>
/// Turns one query into one response (or none), over spans: parse strictly, rate-limit UDP, look the name up in the
/// virtual's <see cref="DnsCatalog"/>, pick members, write. Malformed packets get no answer at all, and no UDP answer
/// is larger than the client's EDNS size (512 without EDNS; 1232 at most, so answers are never fragmented): a
/// response that does not fit goes out with TC set and no records, and the client retries over TCP.
/// </summary>
public static class DnsResponder
{
    /// <summary>The UDP payload size this server advertises and never exceeds (the DNS flag day 2020 value).</summary>
    public const int MaxUdpPayload = 1232;
    public const int MinUdpPayload = 512;
    /// <summary>OPT with an IPv6 Client Subnet: 11 + 4 + 4 + 16.</summary>
    private const int OptRoom = 35;
    /// <summary>The TTL of a rule's answer for a name that is no wide IP, when the rule gives none.</summary>
    private const uint DefaultRuleTtl = 30;

    /// <returns>The response's length in <paramref name="response"/>; 0 when nothing is to be sent.</returns>
    public static int Respond(ReadOnlySpan<byte> packet, Span<byte> response, bool tcp, in ClientSubnet source, DnsCatalog catalog, DnsVirtualCounters counters, DnsRateLimiter? rrl)
    {
        Span<char> nameBuffer = stackalloc char[DnsParser.NameBufferLength];
        var parsed = DnsParser.Parse(packet, nameBuffer, out var q);
        if (parsed is not (DnsParseResult.Ok or DnsParseResult.NotImplemented))
        {
            counters.Dropped(parsed);
            return 0;
        }
        counters.Query(tcp);
        var flags = (ushort)(DnsWriter.FlagQr | (q.Flags & (DnsWriter.FlagRd | DnsWriter.FlagCd)));
        var question = parsed == DnsParseResult.Ok ? packet.Slice(DnsParser.HeaderLength, q.QuestionLength) : default;
        if (!tcp && rrl is not null)
        {
            var decision = rrl.Check(source);
            if (decision != RrlDecision.Send)
            {
                counters.RateLimited(decision == RrlDecision.Slip);
                if (decision == RrlDecision.Drop)
                {
                    return 0;
                }
                var slip = new DnsWriter(response[..MinUdpPayload]);
                slip.Begin(q.Id, (ushort)(flags | DnsWriter.FlagTc), DnsRcode.NoError, question);
                return slip.Finish();
            }
        }
        var limit = tcp ? response.Length : q.HasEdns ? Math.Clamp((int)q.UdpSize, MinUdpPayload, MaxUdpPayload) : MinUdpPayload;
        var w = new DnsWriter(response[..limit]);
        if (parsed == DnsParseResult.NotImplemented)
        {
            w.Begin(q.Id, (ushort)(flags | (q.Flags & 0x7800)), DnsRcode.NotImp, default);
            counters.Rcode(DnsRcode.NotImp);
            return w.Finish();
        }
        if (q.HasEdns && q.EdnsVersion != 0)
        {
            w.Begin(q.Id, flags, DnsRcode.BadVers, question);
            w.Opt(MaxUdpPayload, DnsRcode.BadVers, q.DnssecOk, null, 0);
            return w.Finish();
        }
        ClientSubnet? echo = q.HasClientSubnet ? q.ClientSubnet : null;
        var client = q.HasClientSubnet ? q.ClientSubnet : source;
        if (q.HasEdns)
        {
            w.Reserve(OptRoom);
        }
        var name = nameBuffer[..q.NameLength];
        byte scope = 0;
        DnsRcode rcode;
        DnsRuleQuery? ruled = null;
        var ruleFailed = false;
        if (catalog.Rules is { } rules && q.QClass == DnsTypes.ClassIn)
        {
            ruled = RunRules(rules, catalog, name, in q, in source, echo, out var dropped, out ruleFailed);
            if (dropped)
            {
                counters.RuleDrop();
                return 0;
            }
            if (ruleFailed)
            {
                counters.RuleFailed();
            }
        }
        var ruleDecision = ruled?.Decision ?? DnsRuleDecision.None;
        if (ruleFailed)
        {
            // The rule's error fails this query only: SERVFAIL tells the resolver to try elsewhere.
            w.Begin(q.Id, flags, DnsRcode.ServFail, question);
            rcode = DnsRcode.ServFail;
        }
        else if (q.QClass != DnsTypes.ClassIn || ruleDecision == DnsRuleDecision.Refused)
        {
            rcode = Refused(ref w, in q, flags, question);
        }
        else if (ruleDecision == DnsRuleDecision.Answer)
        {
            rcode = AnswerFromRule(ref w, in q, flags, question, ruled!, catalog.WideIp(name), counters);
        }
        else if (ruleDecision == DnsRuleDecision.NxDomain)
        {
            rcode = DnsRcode.NxDomain;
            w.Begin(q.Id, (ushort)(flags | DnsWriter.FlagAa), rcode, question);
            if (catalog.ZoneFor(name, out var at) is { } z && !WriteSoa(ref w, z, at, authority: true))
            {
                Truncate(ref w, in q, counters);
            }
        }
        else if (catalog.WideIp(name) is { } entry)
        {
            var rulePool = ruleDecision == DnsRuleDecision.Pool ? ruled!.PoolIndex : -1;
            rcode = AnswerWideIp(ref w, in q, flags, question, entry, in client, counters, ref scope, rulePool);
        }
        else if (catalog.ZoneFor(name, out var offset) is { } zone)
        {
            if (offset == 0 && q.QType is DnsTypes.Soa or DnsTypes.Any)
            {
                w.Begin(q.Id, (ushort)(flags | DnsWriter.FlagAa), DnsRcode.NoError, question);
                if (WriteSoa(ref w, zone, 0, authority: false))
                {
                    counters.Answer(DnsTypes.Soa);
                }
                else
                {
                    Truncate(ref w, in q, counters);
                }
                rcode = DnsRcode.NoError;
            }
            else
            {
                rcode = offset == 0 ? DnsRcode.NoError : DnsRcode.NxDomain;
                w.Begin(q.Id, (ushort)(flags | DnsWriter.FlagAa), rcode, question);
                if (!WriteSoa(ref w, zone, offset, authority: true))
                {
                    Truncate(ref w, in q, counters);
                }
                if (rcode == DnsRcode.NoError)
                {
                    counters.NoDataSent();
                }
            }
        }
        else
        {
            rcode = Refused(ref w, in q, flags, question);
        }
        counters.Rcode(rcode);
        if (w.Length == 0)
        {
            // Not even the question fits (impossible above 512 bytes, kept for safety): nothing is sent.
            return 0;
        }
        if (q.HasEdns)
        {
            w.Reserve(0);
            w.Opt(MaxUdpPayload, rcode, q.DnssecOk, echo, scope);
        }
        return w.Finish();
    }

    private static DnsRcode Refused(ref DnsWriter w, in DnsQuery q, ushort flags, ReadOnlySpan<byte> question)
    {
        w.Begin(q.Id, flags, DnsRcode.Refused, question);
        return DnsRcode.Refused;
    }

    /// <summary>
    /// Runs DNS_REQUEST for one query; the query object with the rule's decision. Never throws: an error of the rule,
    /// or of the engine, fails this query only (<paramref name="failed"/>).
    /// </summary>
    private static DnsRuleQuery? RunRules(DnsRules rules, DnsCatalog catalog, ReadOnlySpan<char> name, in DnsQuery q, in ClientSubnet source, ClientSubnet? subnet, out bool dropped, out bool failed)
    {
        dropped = false;
        failed = false;
        if (rules.Broken || rules.Set is not { } set)
        {
            failed = true;
            return null;
        }
        try
        {
            var query = new DnsRuleQuery(rules.VirtualServer, new IPEndPoint(Address(in source), 0), rules.Local, new string(name), q.QType, subnet, catalog.WideIp(name));
            var result = set.Dispatch(set.Open(query), RuleEvent.DnsRequest);
            switch (result.Status)
            {
                case RuleStatus.Dropped:
                    dropped = true;
                    break;
                case RuleStatus.Error or RuleStatus.Rejected or RuleStatus.Closed:
                    failed = true;
                    break;
            }
            return query;
        }
        catch (Exception)
        {
            failed = true;
            return null;
        }
    }

    private static IPAddress Address(in ClientSubnet client)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, client.High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], client.Low);
        return new IPAddress(client.IsIPv4 ? bytes[..4] : bytes);
    }

    /// <summary>The addresses a rule gave: those of the queried type (A: IPv4, AAAA: IPv6, ANY: both); none of it: NODATA.</summary>
    private static DnsRcode AnswerFromRule(ref DnsWriter w, in DnsQuery q, ushort flags, ReadOnlySpan<byte> question, DnsRuleQuery rule, DnsWideIpEntry? entry, DnsVirtualCounters counters)
    {
        w.Begin(q.Id, (ushort)(flags | DnsWriter.FlagAa), DnsRcode.NoError, question);
        var ttl = rule.Ttl >= 0 ? (uint)rule.Ttl : entry?.Ttl ?? DefaultRuleTtl;
        var owner = DnsWriter.PointerTo(0);
        bool a = false, aaaa = false;
        foreach (var address in rule.Addresses)
        {
            var type = address.AddressFamily == AddressFamily.InterNetwork ? DnsTypes.A : DnsTypes.Aaaa;
            if (q.QType != type && q.QType != DnsTypes.Any)
            {
                continue;
            }
            if (!w.Address(owner, ttl, address.GetAddressBytes()))
            {
                Truncate(ref w, in q, counters);
                return DnsRcode.NoError;
            }
            a |= type == DnsTypes.A;
            aaaa |= type == DnsTypes.Aaaa;
        }
        if (a)
        {
            counters.Answer(DnsTypes.A);
        }
        if (aaaa)
        {
            counters.Answer(DnsTypes.Aaaa);
        }
        if (!a && !aaaa)
        {
            if (entry is not null && !WriteSoa(ref w, entry.Zone, q.NameLength - entry.Zone.Name.Length, authority: true))
            {
                Truncate(ref w, in q, counters);
            }
            counters.NoDataSent();
        }
        return DnsRcode.NoError;
    }

    private static DnsRcode AnswerWideIp(ref DnsWriter w, in DnsQuery q, ushort flags, ReadOnlySpan<byte> question, DnsWideIpEntry entry, in ClientSubnet client, DnsVirtualCounters counters, ref byte scope, int rulePool)
    {
        var zoneOffset = q.NameLength - entry.Zone.Name.Length;
        w.Begin(q.Id, (ushort)(flags | DnsWriter.FlagAa), DnsRcode.NoError, question);
        // A CNAME answers every type (RFC 1034 §3.6.2); an address wide IP only its own type and ANY.
        if (q.QType != entry.Type && q.QType != DnsTypes.Any && entry.Type != DnsTypes.Cname)
        {
            if (!WriteSoa(ref w, entry.Zone, zoneOffset, authority: true))
            {
                Truncate(ref w, in q, counters);
            }
            counters.NoDataSent();
            return DnsRcode.NoError;
        }
        var pool = -1;
        if (rulePool >= 0)
        {
            // The rule's pool, and only it: with none of its members up the answer is the fallback (or NODATA).
            pool = rulePool;
        }
        else if (entry.Topology.Length > 0)
        {
            pool = entry.TopologyPool(in client);
            // The answer depends on the client's subnet as far as the client told it (RFC 7871 §7.2.1).
            scope = q.HasClientSubnet ? q.ClientSubnet.SourcePrefix : (byte)0;
        }
        Span<int> picks = stackalloc int[32];
        var max = entry.Type == DnsTypes.Cname ? 1 : entry.MaxAnswers;
        var n = entry.Picker.Pick(pool, in client, picks[..max]);
        if (n == 0 && pool >= 0 && rulePool < 0)
        {
            n = entry.Picker.Pick(-1, in client, picks[..max]);
        }
        var owner = DnsWriter.PointerTo(0);
        if (n == 0)
        {
            if (entry.Fallback is { } fallback)
            {
                if (!Write(ref w, entry.Type, owner, entry.Ttl, fallback))
                {
                    Truncate(ref w, in q, counters);
                    return DnsRcode.NoError;
                }
                counters.FallbackSent();
                counters.Answer(entry.Type);
            }
            else
            {
                if (!WriteSoa(ref w, entry.Zone, zoneOffset, authority: true))
                {
                    Truncate(ref w, in q, counters);
                }
                counters.NoDataSent();
            }
            return DnsRcode.NoError;
        }
        for (var i = 0; i < n; i++)
        {
            if (!Write(ref w, entry.Type, owner, entry.Ttl, entry.Data(picks[i])))
            {
                Truncate(ref w, in q, counters);
                return DnsRcode.NoError;
            }
        }
        counters.Answer(entry.Type);
        return DnsRcode.NoError;
    }

    private static bool Write(ref DnsWriter w, ushort type, ushort owner, uint ttl, ReadOnlySpan<byte> data) =>
        type == DnsTypes.Cname ? w.Cname(owner, ttl, data) : w.Address(owner, ttl, data);

    private static void Truncate(ref DnsWriter w, in DnsQuery q, DnsVirtualCounters counters)
    {
        w.Truncate(q.QuestionLength);
        counters.TruncatedSent();
    }

    private static bool WriteSoa(ref DnsWriter w, DnsZone zone, int offset, bool authority) =>
        w.Soa(DnsWriter.PointerTo(offset), zone.Minimum, zone.MName, zone.RName, zone.Serial, DnsZone.Refresh, DnsZone.Retry, DnsZone.Expire, zone.Minimum, authority);
}
