namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// A certificate as the API takes it, for the OpenAPI document: <c>pem</c> (leaf, then its chain in order) with an
/// optional <c>key</c>, or instead <c>pkcs12</c> (base64 of a .p12/.pfx) with its <c>passphrase</c>, converted to
/// <c>pem</c> and <c>key</c> at save and not stored (<see cref="Config.Editing.CertificateUpload"/>).
/// </summary>
public sealed record CertificateInput
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Pem { get; init; }
    /// <summary>Write-only: never shown again.</summary>
    public string? Key { get; init; }
    public string? Pkcs12 { get; init; }
    public string? Passphrase { get; init; }
}
