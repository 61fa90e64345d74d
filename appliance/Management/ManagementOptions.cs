using System.Net;

namespace Fulcrum.Appliance.Management;

/// <summary>Where the appliance keeps its store and where the management API listens.</summary>
public sealed record ManagementOptions(string DataDir, IPEndPoint Endpoint)
{
    public const string DefaultDataDir = "./fulcrum-data";
    public const string DefaultEndpoint = "127.0.0.1:8080";
}
