using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Config.Model;

/// <summary>How a client keeps going to the member it was sent to.</summary>
public sealed record PersistenceProfile : IProfile
{
    [JsonIgnore] public string Kind => ProfileKinds.Persistence;
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary><c>source-address | cookie | hash | universal</c>.</summary>
    public required string Method { get; init; }
    /// <summary>Seconds a record lives without traffic.</summary>
    public int Timeout { get; init; } = 180;
    /// <summary>For source-address: the mask applied to the client address.</summary>
    public string Mask { get; init; } = "255.255.255.255";
    /// <summary>For cookie: <c>insert | passive | rewrite</c>.</summary>
    public string CookieMethod { get; init; } = "insert";
    public string? CookieName { get; init; }
    /// <summary>For cookie insert: seconds until the cookie expires; 0 makes a session cookie.</summary>
    public int CookieExpiration { get; init; }
    public bool CookieHttpOnly { get; init; } = true;
    public bool CookieSecure { get; init; }
    /// <summary><c>none | lax | strict</c>, or null to omit the attribute.</summary>
    public string? CookieSameSite { get; init; }
    /// <summary>For hash: <c>header:NAME</c>, <c>cookie:NAME</c>, <c>uri</c> or <c>path</c>.</summary>
    public string? HashKey { get; init; }
    public bool MatchAcrossVirtuals { get; init; }
    public bool OverrideConnectionLimit { get; init; }
}
