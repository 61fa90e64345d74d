using Fulcrum.Appliance.Config.Diff;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>The answer of <c>GET /api/v1/config/diff</c>: the two generations compared and their diff.</summary>
public sealed record GenerationDiffView(long From, long To, ConfigDiff Diff);
