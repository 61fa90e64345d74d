using System.Net;
using System.Net.Sockets;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary>
/// <c>tcp-half-open</c>: SYN, SYN-ACK, RST over a raw socket, so the service never sees a connection. Raw sockets need
/// root (or CAP_NET_RAW) and IPv4. Without them the probe falls back to a full connect closed at once with an RST
/// (linger 0): the same up/down answer, but the service does see (and may log) a connection. The fallback is logged
/// once as a warning and an up result then says so in its reason.
/// </summary>
internal sealed partial class TcpHalfOpenProbe : IHealthProbe, IDisposable
{
    private readonly ILogger<TcpHalfOpenProbe> _logger;
    private readonly Lock _gate = new();
    private RawSynProber? _raw;
    private string? _rawUnavailable;

    public TcpHalfOpenProbe(ILogger<TcpHalfOpenProbe> logger)
        : this(logger, useRawSockets: true)
    {
    }

    /// <summary>With <paramref name="useRawSockets"/> false the probe always uses the fallback (tests of the non-root path).</summary>
    internal TcpHalfOpenProbe(ILogger<TcpHalfOpenProbe> logger, bool useRawSockets)
    {
        _logger = logger;
        if (!useRawSockets)
        {
            _rawUnavailable = "raw sockets turned off";
        }
    }

    public string Type => MonitorTypes.TcpHalfOpen;

    /// <summary>Why raw probing is off (null while it works or before the first probe).</summary>
    public string? RawUnavailable => Volatile.Read(ref _rawUnavailable);

    public async ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken)
    {
        if (target.Port == 0)
        {
            return ProbeResult.Down(ProbeErrors.NoPort(monitor));
        }
        var raw = target.AddressFamily == AddressFamily.InterNetwork ? Raw() : null;
        try
        {
            if (raw is not null)
            {
                return await raw.ProbeAsync(target, cancellationToken) ? ProbeResult.Up() : ProbeResult.Down($"{Type}: connection refused");
            }
            return await FullConnectAsync(target, cancellationToken);
        }
        catch (SocketException ex)
        {
            return ProbeResult.Down($"{Type}: {ProbeErrors.Describe(ex)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Down(ProbeErrors.NoAnswer(monitor));
        }
    }

    private async ValueTask<ProbeResult> FullConnectAsync(IPEndPoint target, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(target, cancellationToken);
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
        var why = RawUnavailable ?? "IPv6 target";
        return new ProbeResult(ProbeOutcome.Up, $"{Type}: up by full connect and reset ({why})");
    }

    private RawSynProber? Raw()
    {
        if (Volatile.Read(ref _raw) is { } raw)
        {
            return raw;
        }
        lock (_gate)
        {
            if (_raw is not null || _rawUnavailable is not null)
            {
                return _raw;
            }
            try
            {
                _raw = RawSynProber.Create();
            }
            catch (SocketException ex)
            {
                _rawUnavailable = $"raw sockets unavailable: {ProbeErrors.Describe(ex)}";
                Log.RawSocketsUnavailable(_logger, ex.Message);
            }
            return _raw;
        }
    }

    public void Dispose() => _raw?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HealthHalfOpenFallback, Level = LogLevel.Warning,
            Message = "tcp-half-open monitors cannot open a raw socket ({Error}); they fall back to a full connect closed with an RST. Run as root or grant CAP_NET_RAW for true half-open probes.")]
        public static partial void RawSocketsUnavailable(ILogger logger, string error);
    }
}
