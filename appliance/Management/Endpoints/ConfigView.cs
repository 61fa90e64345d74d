using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>The answer of <c>GET /api/v1/config</c>, as the OpenAPI document describes it (certificates carry <c>hasKey</c> instead of their key).</summary>
public sealed record ConfigView(long Generation, FulcrumConfig Config);
