namespace Fulcrum.Appliance.DataPlane;

/// <summary>What the data plane needs from the host: where its access log goes. The data plane knows nothing of the management plane.</summary>
public sealed record DataPlaneOptions(string LogDirectory);
