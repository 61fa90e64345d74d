using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.Stats;

/// <summary>
/// GET /metrics: every data-plane counter in Prometheus text. Names: <c>fulcrum_{virtual|pool|member}_*</c> with labels
/// <c>virtual</c>, <c>pool</c>, <c>member</c> and, for errors, <c>cause</c> (the termination cause names).
/// </summary>
public sealed class MetricsExporter
{
    private readonly DataPlaneCounters _counters;
    private readonly Scripting.Runtime.RuleRuntime? _rules;
    private readonly Dns.DnsCounters? _dns;
    private readonly DataPlane.Packet.PacketModeService? _packet;

    public MetricsExporter(DataPlaneCounters counters, Scripting.Runtime.RuleRuntime? rules = null, Dns.DnsCounters? dns = null, DataPlane.Packet.PacketModeService? packet = null)
    {
        _counters = counters;
        _rules = rules;
        _dns = dns;
        _packet = packet;
    }

    public string Render()
    {
        var text = new PrometheusText();
        var virtuals = _counters.Virtuals.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (Labels: new[] { ("virtual", v.Key) }, Counters: v.Value)).ToArray();
        var pools = _counters.Pools.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (Labels: new[] { ("pool", p.Key) }, Counters: p.Value)).ToArray();
        var members = _counters.Members.OrderBy(m => m.Key.Pool, StringComparer.Ordinal).ThenBy(m => m.Key.Key, StringComparer.Ordinal)
            .Select(m => (Labels: new[] { ("pool", m.Key.Pool), ("member", m.Key.Key) }, Counters: m.Value)).ToArray();
        Write(text, "virtual", "virtual server", virtuals);
        Write(text, "pool", "pool", pools);
        Write(text, "member", "pool member", members);
        WriteTls(text, _counters.Virtuals.Where(v => v.Value.TlsOrNull is not null).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (v.Key, v.Value.TlsOrNull!)).ToArray());
        text.Family("fulcrum_snat_exhausted_total", "counter", "Server-side connects that found no free source port on any SNAT address.");
        text.Sample("fulcrum_snat_exhausted_total", _counters.SnatExhausted);
        text.Family("fulcrum_accesslog_written_total", "counter", "Access-log lines written.");
        text.Sample("fulcrum_accesslog_written_total", _counters.AccessLogWritten);
        text.Family("fulcrum_accesslog_dropped_total", "counter", "Access-log lines dropped because the writer fell behind.");
        text.Sample("fulcrum_accesslog_dropped_total", _counters.AccessLogDropped);
        if (_rules is not null)
        {
            DataPlane.Rules.RuleMetrics.Write(text, _rules.Statistics());
        }
        if (_dns is not null)
        {
            Dns.DnsMetrics.Write(text, _dns);
        }
        if (_packet is not null)
        {
            DataPlane.Packet.PacketMetrics.Write(text, _packet.Engine.Forwarders);
        }
        return text.ToString();
    }

    private static void Write(PrometheusText text, string level, string what, (ValueTuple<string, string>[] Labels, TrafficCounters Counters)[] rows)
    {
        var prefix = "fulcrum_" + level;
        Series(text, prefix + "_connections_current", "gauge", $"Open connections of the {what}.", rows, c => c.CurrentConnections);
        Series(text, prefix + "_connections_total", "counter", $"Connections of the {what} since start.", rows, c => c.TotalConnections);
        Series(text, prefix + "_requests_total", "counter", $"HTTP requests of the {what}.", rows, c => c.Requests);
        Series(text, prefix + "_bytes_in_total", "counter", $"Bytes in the request direction (client to member) of the {what}.", rows, c => c.BytesIn);
        Series(text, prefix + "_bytes_out_total", "counter", $"Bytes in the response direction (member to client) of the {what}.", rows, c => c.BytesOut);
        text.Family(prefix + "_errors_total", "counter", $"Connections or requests of the {what} ended by each termination cause.");
        foreach (var (labels, c) in rows)
        {
            for (var i = 1; i < TerminationCauses.Count; i++)
            {
                text.Sample(prefix + "_errors_total", c.Errors((TerminationCause)i), [.. labels, ("cause", TerminationCauses.Names[i])]);
            }
        }
    }

    private static void WriteTls(PrometheusText text, (string Virtual, TlsCounters Tls)[] rows)
    {
        text.Family("fulcrum_virtual_tls_handshakes_total", "counter", "Client-side TLS handshakes completed (resumed ones included).");
        foreach (var (v, tls) in rows)
        {
            text.Sample("fulcrum_virtual_tls_handshakes_total", tls.Handshakes, [("virtual", v)]);
        }
        text.Family("fulcrum_virtual_tls_resumptions_total", "counter", "Client-side TLS handshakes that resumed a session.");
        foreach (var (v, tls) in rows)
        {
            text.Sample("fulcrum_virtual_tls_resumptions_total", tls.Resumptions, [("virtual", v)]);
        }
        text.Family("fulcrum_virtual_tls_failures_total", "counter", "Client-side TLS handshakes that failed, by reason.");
        foreach (var (v, tls) in rows)
        {
            for (var i = 0; i < DataPlane.Tls.TlsFailureReasons.Count; i++)
            {
                text.Sample("fulcrum_virtual_tls_failures_total", tls.Failures((DataPlane.Tls.TlsFailureReason)i), [("virtual", v), ("reason", DataPlane.Tls.TlsFailureReasons.Names[i])]);
            }
        }
    }

    /// <summary>One metric family: its header, then one sample per row.</summary>
    private static void Series(PrometheusText text, string name, string type, string help, (ValueTuple<string, string>[] Labels, TrafficCounters Counters)[] rows, Func<TrafficCounters, long> value)
    {
        text.Family(name, type, help);
        foreach (var (labels, c) in rows)
        {
            text.Sample(name, value(c), labels);
        }
    }
}
