using System.Net;

namespace Fulcrum.Appliance.Management;

/// <summary>Where the appliance keeps its store and where the management API listens (HTTPS when <see cref="Tls"/> is set).</summary>
public sealed record ManagementOptions(string DataDir, IPEndPoint Endpoint)
{
    public ManagementTls? Tls { get; init; }

    public string Url => $"{(Tls is null ? "http" : "https")}://{Endpoint}";

    public const string DefaultDataDir = "./fulcrum-data";
    public const string DefaultEndpoint = "127.0.0.1:8080";
}
