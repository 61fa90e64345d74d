using System.Net;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.DataPlane.ProxyProtocol;
using Fulcrum.Appliance.DataPlane.Snat;
using Fulcrum.Appliance.Http;
using Fulcrum.Appliance.DataPlane.Logging;
using Fulcrum.Appliance.Stats;
using Fulcrum.Appliance.DataPlane.Transport.SocketOptions;

namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>
/// Everything the data plane needs about one virtual server in one generation, parsed once when the listener is
/// (re)configured and shared by all its connections: profiles, parser limits, address sets, SNAT state, counters.
/// A connection keeps the plan it was accepted with, so a config change never alters it mid-flight.
/// </summary>
public sealed class VirtualPlan
{
    public VirtualPlan(RuntimeVirtual runtime, RuntimeSnapshot snapshot, TrafficCounters counters, SnatAddresses? previousSnat, VirtualTcpTelemetry? tcpTelemetry = null)
    {
        // The tcp profile issue: each side's profile as socket options (client side on the listener, server side per connect).
        tcpTelemetry ??= new VirtualTcpTelemetry();
        ClientTcp = new TcpSocketOptions(runtime.ClientTcp, tcpTelemetry.ClientSide);
        ServerTcp = new TcpSocketOptions(runtime.ServerTcp, tcpTelemetry.ServerSide);
        Runtime = runtime;
        Snapshot = snapshot;
        Counters = counters;
        Tcp = runtime.Tcp;
        Http = runtime.Http;
        OneConnect = runtime.OneConnect;
        HttpLimits = runtime.Http is null ? HttpParserLimits.Default : HttpParserLimits.From(runtime.Http);
        // Responses come from members we trust more; their heads may be as big as the largest allowed request head.
        ResponseLimits = new HttpParserLimits(8192, Math.Max(HttpLimits.MaxHeaderBytes, 65536), Math.Max(HttpLimits.MaxHeaderCount, 200));
        AcceptProxyFrom = new CidrSet(runtime.ClientTcp.AcceptProxyProtocolFrom);
        TrustedXForwardedFor = runtime.Http is null ? CidrSet.Empty : new CidrSet(runtime.Http.TrustedXForwardedFor);
        SendProxyProtocol = runtime.ServerTcp.ProxyProtocol switch
        {
            "v1" => ProxyProtocolVersion.V1,
            "v2" => ProxyProtocolVersion.V2,
            _ => ProxyProtocolVersion.None,
        };
        Translation = runtime.Config.SourceAddressTranslation switch
        {
            SourceTranslations.None => SourceTranslation.Transparent,
            SourceTranslations.Snat => SourceTranslation.SnatPool,
            _ => SourceTranslation.Automap,
        };
        if (Translation == SourceTranslation.SnatPool)
        {
            var addresses = runtime.Config.SnatPool.Select(IPAddress.Parse).ToArray();
            // Keep the spreading state when the addresses did not change, so a config edit does not reset the rotation.
            Snat = previousSnat is not null && previousSnat.SameAs(addresses) ? previousSnat : new SnatAddresses(addresses);
        }
        ConnectTimeoutMs = Math.Max(1, runtime.ServerTcp.ConnectTimeout) * 1000L;
        // One deadline covers the proxied connection: it is idle when neither side moves, so the shorter side's wins.
        IdleTimeoutMs = new[] { runtime.ClientTcp.IdleTimeout, runtime.ServerTcp.IdleTimeout }.Where(t => t > 0).DefaultIfEmpty(0).Min() * 1000L;
        CollectTimeoutMs = runtime.ClientTcp.CollectTimeout * 1000L;
        // Each side's proxy buffer bounds what the proxy holds of the bytes it reads from that side.
        ServerBufferSize = Math.Clamp(runtime.ServerTcp.ProxyBufferHigh / 2, 4096, 64 * 1024);
        ClientBuffer = new ProxyBufferMarks(runtime.ClientTcp.ProxyBufferHigh, runtime.ClientTcp.ProxyBufferLow);
        ServerBuffer = new ProxyBufferMarks(runtime.ServerTcp.ProxyBufferHigh, runtime.ServerTcp.ProxyBufferLow);
        // Validation refuses a bad value; a store written before it did may still hold one, which must never reach the wire.
        ServerHeaderValue = Http?.ServerHeaderValue is { } s && Config.Validation.HeaderGrammar.FieldValueProblem(s) is null
            ? System.Text.Encoding.ASCII.GetBytes("Server: " + s + "\r\n")
            : [];
        AccessLog = Http is { AccessLog: true } ? AccessLogFormatCache.Get(Http.AccessLogFormat) : null;
        if (runtime.ServerSsl is { } serverSsl)
        {
            try
            {
                ServerTls = Tls.ServerTlsMaterial.Build(serverSsl, snapshot.Config);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
            {
                ClientTlsError = ex;
            }
        }
        if (runtime.ClientSsl is { } clientSsl)
        {
            _ = counters.Tls; // shown in status and /metrics from the start, zeros included
            // Certificates and keys are parsed here, on the thread that publishes the config, never on a loop.
            try
            {
                ClientTls = Tls.ClientTlsMaterial.Build(clientSsl, snapshot.Config);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or System.Formats.Asn1.AsnContentException or FormatException)
            {
                ClientTlsError = ex;
            }
        }
    }

    public RuntimeVirtual Runtime { get; }

    public RuntimeSnapshot Snapshot { get; }

    public string Name => Runtime.Name;

    public TrafficCounters Counters { get; }

    public TcpProfile Tcp { get; }

    /// <summary>The client side's tcp profile as socket options (<c>clientSideTcp</c>, else the tcp profile).</summary>
    public TcpSocketOptions ClientTcp { get; }

    /// <summary>The server side's tcp profile as socket options (<c>serverSideTcp</c>, else the tcp profile).</summary>
    public TcpSocketOptions ServerTcp { get; }

    public HttpProfile? Http { get; }

    public OneConnectProfile? OneConnect { get; }

    public HttpParserLimits HttpLimits { get; }

    public HttpParserLimits ResponseLimits { get; }

    public CidrSet AcceptProxyFrom { get; }

    public CidrSet TrustedXForwardedFor { get; }

    public ProxyProtocolVersion SendProxyProtocol { get; }

    public SourceTranslation Translation { get; }

    public SnatAddresses? Snat { get; }

    public long ConnectTimeoutMs { get; }

    /// <summary>0 means no idle timeout.</summary>
    public long IdleTimeoutMs { get; }

    /// <summary>How long an L4 rule's collect waits for its bytes (tcp profile <c>collectTimeout</c>); 0: up to the idle timeout.</summary>
    public long CollectTimeoutMs { get; }

    public int ServerBufferSize { get; }

    /// <summary>The L4 pump's marks for bytes read from the client (client side proxyBufferHigh/Low).</summary>
    public ProxyBufferMarks ClientBuffer { get; }

    /// <summary>The L4 pump's marks for bytes read from the member (server side proxyBufferHigh/Low).</summary>
    public ProxyBufferMarks ServerBuffer { get; }

    /// <summary>The whole <c>Server: value</c> line for serverHeaderAction replace.</summary>
    public byte[] ServerHeaderValue { get; }

    public AccessLogFormat? AccessLog { get; }

    /// <summary>The client-ssl profile's certificates and handshake options; null without one (or when they failed to load: <see cref="ClientTlsError"/>).</summary>
    public Tls.ClientTlsMaterial? ClientTls { get; }

    /// <summary>The server-ssl profile compiled: TLS toward members; null without one.</summary>
    public Tls.ServerTlsMaterial? ServerTls { get; }

    /// <summary>Why the client-ssl (or server-ssl) material could not be built (validation makes this rare: a store written by an older version).</summary>
    public Exception? ClientTlsError { get; }

    private int _clientTlsErrorReported;

    /// <summary>True once per plan: the first connection that meets <see cref="ClientTlsError"/> logs it.</summary>
    public bool ReportClientTlsError() => ClientTlsError is not null && Interlocked.Exchange(ref _clientTlsErrorReported, 1) == 0;

    /// <summary>The client-side layers and protocol, built on the first connection (a benign race: any copy is the same).</summary>
    public Layers.ClientPipeline? Pipeline { get; set; }

    /// <summary>The virtual's rule set for this generation, built on the first connection that needs it.</summary>
    public Rules.VirtualRules Rules { get; } = new();
}
