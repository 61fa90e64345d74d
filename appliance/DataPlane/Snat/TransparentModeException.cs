namespace Fulcrum.Appliance.DataPlane.Snat;

/// <summary>Transparent mode cannot work in this process (no CAP_NET_ADMIN, not Linux); the message says what to do.</summary>
public sealed class TransparentModeException(string message) : Exception(message);
