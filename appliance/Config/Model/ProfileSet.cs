using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>Every profile, grouped by kind; JSON property names are the kinds' path segments.</summary>
public sealed record ProfileSet
{
    public ImmutableArray<TcpProfile> Tcp { get; init; } = [];
    public ImmutableArray<HttpProfile> Http { get; init; } = [];
    [JsonPropertyName("client-ssl")] public ImmutableArray<ClientSslProfile> ClientSsl { get; init; } = [];
    [JsonPropertyName("server-ssl")] public ImmutableArray<ServerSslProfile> ServerSsl { get; init; } = [];
    public ImmutableArray<OneConnectProfile> OneConnect { get; init; } = [];
    public ImmutableArray<PersistenceProfile> Persistence { get; init; } = [];

    public IEnumerable<IProfile> All()
    {
        foreach (var p in Tcp) { yield return p; }
        foreach (var p in Http) { yield return p; }
        foreach (var p in ClientSsl) { yield return p; }
        foreach (var p in ServerSsl) { yield return p; }
        foreach (var p in OneConnect) { yield return p; }
        foreach (var p in Persistence) { yield return p; }
    }

    /// <summary>Finds a profile of any kind by name; names are unique across kinds.</summary>
    public IProfile? Find(string name)
    {
        foreach (var p in All())
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }
        return null;
    }
}
