using System.Text.Json.Serialization;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>GET /api/v1/auth/me; <see cref="CsrfToken"/> only for cookie sessions, so the console can recover it after a reload.</summary>
public sealed record MeResponse(
    string User,
    string Role,
    string AuthMethod,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CsrfToken);
