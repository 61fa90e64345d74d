using Fulcrum.Appliance.DataPlane.Pipeline;

namespace Fulcrum.Appliance.DataPlane.Connect;

/// <summary>A connected server side, or why there is none after every allowed try.</summary>
public readonly record struct ConnectResult(ServerConnection? Connection, TerminationCause Failure);
