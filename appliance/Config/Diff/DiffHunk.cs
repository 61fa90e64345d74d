namespace Fulcrum.Appliance.Config.Diff;

/// <summary>
/// One hunk of a unified line diff: the line ranges it covers (1-based starts, as in <c>@@ -a,b +c,d @@</c>) and
/// its lines, each prefixed with <c>' '</c> (context), <c>'-'</c> (removed) or <c>'+'</c> (added).
/// </summary>
public sealed record DiffHunk(int OldStart, int OldLines, int NewStart, int NewLines, IReadOnlyList<string> Lines)
{
    public string Header => $"@@ -{OldStart},{OldLines} +{NewStart},{NewLines} @@";
}
