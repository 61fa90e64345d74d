namespace Fulcrum.Appliance.Config.Diff;

/// <summary>
/// An object on both sides that differs: field by field, and for a rule whose source changed, a unified line diff of
/// the source in <see cref="SourceDiff"/> (the source is then not repeated in <see cref="Fields"/>).
/// </summary>
public sealed record ChangedObject(string Kind, string Name, IReadOnlyList<FieldChange> Fields, IReadOnlyList<DiffHunk>? SourceDiff);
