using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Appliance.Stats;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>GET /metrics (Prometheus text) on the management listener, behind the same auth as the API.</summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (MetricsExporter exporter, CertificateExpiry certificates) =>
            {
                var text = new PrometheusText();
                certificates.Write(text);
                return Results.Text(exporter.Render() + text, PrometheusText.ContentType);
            })
            .RequireAuthorization(Policies.Read)
            .WithTags("status").WithName("metrics").WithSummary("Data-plane counters in Prometheus text format");
        return app;
    }
}
