using Fulcrum.Scripting.Contracts;
using Fulcrum.Scripting.Host;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;

namespace Fulcrum.Scripting.Runtime;

/// <summary>
/// <c>ctx.dns</c> in DNS_REQUEST: the query (name, type, client subnet) and the rule's say in its answer — addresses,
/// a pool, NXDOMAIN, REFUSED, or no answer at all (GTM iRules' <c>host</c>, <c>pool</c>, <c>DNS::rcode</c>, <c>drop</c>).
/// </summary>
internal sealed partial class RuleEngine
{
    private const int MaxDnsAnswers = 32;
    private const int MaxDnsTtl = 604_800;

    private IRuleDns Dns => Conn.Context.Dns ?? throw TypeError($"ctx.dns is not available: virtual server '{Set.VirtualServer}' is not of type dns");

    private HostObject BuildDns() => new(this, "dns",
    [
        new("name", () => new JsString(Dns.Name)),
        new("type", () => new JsString(Dns.Type)),
        new("subnet", () => Str(Dns.Subnet)),
        new("answer", Constant(Fn("dns.answer", 2, a =>
        {
            var addresses = DnsAddresses(a);
            var ttl = -1;
            if (a.Length > 1 && !a[1].IsUndefined() && !a[1].IsNull())
            {
                if (a[1] is not ObjectInstance options)
                {
                    throw TypeError("ctx.dns.answer(addresses, {ttl}): the second argument is an options object");
                }
                var value = options.Get("ttl");
                if (!value.IsUndefined())
                {
                    var t = TypeConverter.ToNumber(value);
                    if (!(t >= 0 && t <= MaxDnsTtl && t == Math.Floor(t)))
                    {
                        throw RangeError($"ctx.dns.answer(addresses, {{ttl}}): ttl is an integer from 0 to {MaxDnsTtl} seconds, not {TypeConverter.ToString(value)}");
                    }
                    ttl = (int)t;
                }
            }
            Dns.Answer(addresses, ttl);
            return Outcome(RuleStatus.Responded);
        }))),
        new("pool", Constant(Fn("dns.pool", 1, a =>
        {
            var pool = Arg(a, 0, "ctx.dns.pool(name)");
            if (Dns.Pool(pool) is { } problem)
            {
                throw TypeError($"ctx.dns.pool('{pool}'): {problem}");
            }
            return JsValue.Undefined;
        }))),
        new("drop", Constant(Fn("dns.drop", 0, _ => Outcome(RuleStatus.Dropped)))),
        new("nxdomain", Constant(Fn("dns.nxdomain", 0, _ =>
        {
            Dns.NxDomain();
            return Outcome(RuleStatus.Responded);
        }))),
        new("refused", Constant(Fn("dns.refused", 0, _ =>
        {
            Dns.Refused();
            return Outcome(RuleStatus.Responded);
        }))),
    ]);

    /// <summary>The addresses of <c>ctx.dns.answer</c>: one address string or an array of 1 to 32, each an IP literal.</summary>
    private string[] DnsAddresses(JsValue[] a)
    {
        const string Usage = "ctx.dns.answer(addresses, {ttl})";
        if (a.Length == 0 || a[0].IsUndefined() || a[0].IsNull())
        {
            throw TypeError($"{Usage}: argument 1 is missing");
        }
        JsValue[] values;
        if (a[0] is JsArray array)
        {
            var length = array.Length;
            if (length is 0 or > MaxDnsAnswers)
            {
                throw RangeError($"{Usage}: from 1 to {MaxDnsAnswers} addresses, not {length}");
            }
            values = new JsValue[length];
            for (uint i = 0; i < length; i++)
            {
                values[i] = array.Get(i);
            }
        }
        else
        {
            values = [a[0]];
        }
        var addresses = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var s = TypeConverter.ToString(values[i]);
            if (!IsIpLiteral(s))
            {
                throw TypeError($"{Usage}: '{(s.Length > 64 ? s[..64] + "..." : s)}' is not an IPv4 (dotted quad) or IPv6 address");
            }
            addresses[i] = s;
        }
        return addresses;
    }
}
