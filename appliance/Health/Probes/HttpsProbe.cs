using System.Net;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Health.Probes;

/// <summary><c>https</c>: as <c>http</c> inside TLS; the certificate is not verified (as LTM); SNI from the send string's Host.</summary>
internal sealed class HttpsProbe : IHealthProbe
{
    public string Type => MonitorTypes.Https;

    public ValueTask<ProbeResult> ProbeAsync(IPEndPoint target, CompiledMonitor monitor, CancellationToken cancellationToken) =>
        HttpExchange.RunAsync(target, monitor, tls: true, cancellationToken);
}
