using Fulcrum.Appliance.Dns.Wire;

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
        if (q.QClass != DnsTypes.ClassIn)
        {
            rcode = Refused(ref w, in q, flags, question);
        }
        else if (catalog.WideIp(name) is { } entry)
        {
            rcode = AnswerWideIp(ref w, in q, flags, question, entry, in client, counters, ref scope);
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

    private static DnsRcode AnswerWideIp(ref DnsWriter w, in DnsQuery q, ushort flags, ReadOnlySpan<byte> question, DnsWideIpEntry entry, in ClientSubnet client, DnsVirtualCounters counters, ref byte scope)
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
        if (entry.Topology.Length > 0)
        {
            pool = entry.TopologyPool(in client);
            // The answer depends on the client's subnet as far as the client told it (RFC 7871 §7.2.1).
            scope = q.HasClientSubnet ? q.ClientSubnet.SourcePrefix : (byte)0;
        }
        Span<int> picks = stackalloc int[32];
        var max = entry.Type == DnsTypes.Cname ? 1 : entry.MaxAnswers;
        var n = entry.Picker.Pick(pool, in client, picks[..max]);
        if (n == 0 && pool >= 0)
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
