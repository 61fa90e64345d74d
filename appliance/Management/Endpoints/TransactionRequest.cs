using System.Collections.Immutable;
using System.Text.Json;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// <c>POST /api/v1/config/transaction</c>: several changes applied all or nothing, as one generation.
/// With <c>dryRun</c> the changes are validated and nothing is stored.
/// </summary>
public sealed record TransactionRequest
{
    public required ImmutableArray<TransactionChange> Changes { get; init; }
    public bool DryRun { get; init; }
}

/// <summary>One change: <c>op</c> is create, replace, patch or delete; <c>kind</c> an API path such as <c>pools</c> or <c>profiles/http</c>.</summary>
public sealed record TransactionChange
{
    public required string Op { get; init; }
    public required string Kind { get; init; }
    public string? Name { get; init; }
    public JsonElement? Body { get; init; }
}
