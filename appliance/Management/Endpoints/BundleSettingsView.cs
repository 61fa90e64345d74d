namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>Body and answer of <c>/api/v1/bundle/settings</c>.</summary>
public sealed record BundleSettingsView(bool RequireSignature);
