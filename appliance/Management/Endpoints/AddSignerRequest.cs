namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>Body of <c>POST /api/v1/bundle/signers</c>: a name and an ECDSA P-256 public key (PEM, as <c>GET /api/v1/bundle/signing-key</c> shows it).</summary>
public sealed record AddSignerRequest(string Name, string PublicKey);
