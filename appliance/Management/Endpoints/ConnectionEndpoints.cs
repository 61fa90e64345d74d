using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.DataPlane.Packet;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Packet;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary><c>/api/v1/connections</c>: packet mode's connection tables (performance-l4 virtuals), like <c>ipvsadm -Lnc</c>.</summary>
public static class ConnectionEndpoints
{
    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/connections", (string? @virtual, PacketModeService packet) =>
            {
                var now = Environment.TickCount64;
                var list = packet.Engine.Forwarders
                    .Where(f => @virtual is null || f.Config.Name == @virtual)
                    .SelectMany(f => f.Flows(now).Select(v => new ConnectionEntry(f.Config.Name, v.Protocol, StateName(v.State), v.ExpiresInSeconds, v.Client, v.Virtual, v.Member, v.Packets, v.Bytes)))
                    .OrderBy(e => e.Virtual, StringComparer.Ordinal).ThenBy(e => e.Client, StringComparer.Ordinal)
                    .ToArray();
                return Results.Json(list, ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Read)
            .WithTags("connections").WithName("list-connections").WithSummary("Packet-mode flows (performance-l4 virtual servers); filter by virtual")
            .Produces<ConnectionEntry[]>();
        return app;
    }

    private static string StateName(TcpState state) => state switch
    {
        TcpState.Udp => "udp",
        TcpState.Syn => "syn",
        TcpState.Established => "established",
        TcpState.Fin => "fin",
        TcpState.TimeWait => "time-wait",
        _ => "close",
    };
}
