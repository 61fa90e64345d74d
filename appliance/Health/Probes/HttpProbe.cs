using System.Net;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary><c>http</c>: sends the send string (default <c>GET / HTTP/1.0\r\n\r\n</c>) and judges status and answer.</summary>
internal sealed class HttpProbe : IHealthProbe
{
    public string Type => MonitorTypes.Http;

    public ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken) =>
        HttpExchange.RunAsync(target, monitor, tls: false, cancellationToken);
}
