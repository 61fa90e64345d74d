using System.Collections.Immutable;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// A certificate as the API shows it (<see cref="ApiViews"/>), for the OpenAPI document: the stored fields without the
/// key, and what the leaf certificate says, read-only. <c>warnings</c>: accepted but worth knowing (expired, expiring
/// within 30 days, not yet valid); empty when there is nothing to say.
/// </summary>
public sealed record CertificateView
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string Pem { get; init; }
    public required bool HasKey { get; init; }
    public string? Subject { get; init; }
    public ImmutableArray<string>? SubjectAltNames { get; init; }
    public string? Issuer { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    /// <summary><c>rsa-2048</c>, <c>ecdsa-p256</c>, …</summary>
    public string? KeyType { get; init; }
    public string? FingerprintSha256 { get; init; }
    public ImmutableArray<string>? Warnings { get; init; }
}
