namespace Fulcrum.Appliance.Balancing.Persistence;

/// <summary>A persistence record as <c>GET /api/v1/persistence</c> shows it.</summary>
public sealed record PersistenceEntry(string Virtual, string Pool, string Member, string Profile, string Method, string Key, DateTimeOffset Created, DateTimeOffset Expires)
{
    public static PersistenceEntry From(PersistenceRecord r) =>
        new(r.Virtual, r.Key.Pool, r.MemberKey, r.Key.Profile, r.Method, r.Key.Key, r.Created, r.Expires);
}
