using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;

namespace Fulcrum.Appliance.Management;

/// <summary>Maps a refused change to its status and problem document; a committed one records its audit line.</summary>
public static class ChangeResults
{
    public const string GenerationHeader = "Fulcrum-Generation";

    public static IResult Refused(ChangeResult result) => result.Failure switch
    {
        EditFailure.BadBody or EditFailure.UnknownKind or EditFailure.NameMismatch => Problems.Create(400, "Invalid request", result.Errors.Count == 1 ? result.Errors[0].Message : null, result.Errors),
        EditFailure.NotFound => Problems.Create(404, "Not found", result.Errors[0].Message, result.Errors),
        EditFailure.AlreadyExists => Problems.Create(409, "Already exists", result.Errors[0].Message, result.Errors),
        EditFailure.BuiltIn => Problems.Create(409, "Built-in object", result.Errors[0].Message, result.Errors),
        EditFailure.InUse => Problems.Create(409, "In use", result.Errors[0].Message, result.Errors),
        _ => Problems.Create(422, "Configuration refused", $"the change was refused with {result.Errors.Count} problem(s); nothing was changed", result.Errors),
    };

    /// <summary>Notes the committed generation for the audit log and the response header.</summary>
    public static void Committed(HttpContext context, ChangeResult result)
    {
        var info = result.Generation!;
        context.Items[AuditMiddleware.ItemKey] = new AuditNote(info.Generation, info.Summary);
        context.Response.Headers[GenerationHeader] = info.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
