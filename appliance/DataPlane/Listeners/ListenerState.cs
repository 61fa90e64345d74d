namespace Fulcrum.Appliance.DataPlane.Listeners;

/// <summary>A listener's state as /api/v1/status shows it.</summary>
public static class ListenerState
{
    public const string Listening = "listening";
    public const string Disabled = "disabled";
    public const string Error = "error";
    public const string Unknown = "unknown";
}
