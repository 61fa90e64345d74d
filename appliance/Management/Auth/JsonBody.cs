namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// A request body read by <see cref="AuthJson.ReadAsync{T}"/>: either a <see cref="Problem"/> to return, or the value
/// (null for an allowed empty body) with the names of the fields the client actually sent, so PATCH can tell
/// "absent" from "null".
/// </summary>
internal sealed record JsonBody<T>(T? Value, IReadOnlySet<string> Present, IResult? Problem)
    where T : class;
