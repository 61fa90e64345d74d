namespace Fulcrum.Appliance.Config.Diff;

/// <summary>
/// A unified line diff (the hunks of <c>diff -u</c>) between two texts, for rule sources. The common head and tail
/// are trimmed first; the middle is aligned by longest common subsequence, which is exact for rule-sized texts. A
/// middle too large to align within <see cref="MaxCells"/> is shown as removed then added, which is still correct.
/// </summary>
public static class LineDiff
{
    public const int Context = 3;
    public const long MaxCells = 4_000_000;

    private enum Op : byte { Same, Delete, Insert }

    public static IReadOnlyList<DiffHunk> Compute(string oldText, string newText, int context = Context)
    {
        var a = Split(oldText);
        var b = Split(newText);
        var script = Script(a, b);
        return Hunks(script, a, b, context);
    }

    /// <summary>Splits on LF, keeping a CR that precedes it out of the line; a final newline makes no empty last line.</summary>
    public static string[] Split(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }
        var lines = text.Split('\n');
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
        }
        return result;
    }

    private static List<Op> Script(string[] a, string[] b)
    {
        var head = 0;
        while (head < a.Length && head < b.Length && a[head] == b[head])
        {
            head++;
        }
        var tail = 0;
        while (tail < a.Length - head && tail < b.Length - head && a[a.Length - 1 - tail] == b[b.Length - 1 - tail])
        {
            tail++;
        }
        var n = a.Length - head - tail;
        var m = b.Length - head - tail;
        var script = new List<Op>(a.Length + b.Length);
        script.AddRange(Enumerable.Repeat(Op.Same, head));
        if ((long)(n + 1) * (m + 1) > MaxCells)
        {
            script.AddRange(Enumerable.Repeat(Op.Delete, n));
            script.AddRange(Enumerable.Repeat(Op.Insert, m));
        }
        else
        {
            // lcs[i, j]: length of the LCS of a[head+i..] and b[head+j..] (the trimmed middles' suffixes).
            var lcs = new int[n + 1, m + 1];
            for (var i = n - 1; i >= 0; i--)
            {
                for (var j = m - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[head + i] == b[head + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[head + x] == b[head + y])
                {
                    script.Add(Op.Same);
                    x++;
                    y++;
                }
                else if (y < m && (x == n || lcs[x, y + 1] >= lcs[x + 1, y]))
                {
                    // Deletions first within a change reads better: prefer them when the choice is free.
                    if (x < n && lcs[x + 1, y] == lcs[x, y + 1])
                    {
                        script.Add(Op.Delete);
                        x++;
                    }
                    else
                    {
                        script.Add(Op.Insert);
                        y++;
                    }
                }
                else
                {
                    script.Add(Op.Delete);
                    x++;
                }
            }
        }
        script.AddRange(Enumerable.Repeat(Op.Same, tail));
        return script;
    }

    private static List<DiffHunk> Hunks(List<Op> script, string[] a, string[] b, int context)
    {
        var hunks = new List<DiffHunk>();
        var k = 0;
        while (k < script.Count)
        {
            if (script[k] == Op.Same)
            {
                k++;
                continue;
            }
            // Start a hunk 'context' operations before the first change, and end it when 2*context+1 unchanged lines separate changes.
            var start = Math.Max(0, k - context);
            var end = k;
            var sameRun = 0;
            while (end < script.Count)
            {
                if (script[end] == Op.Same)
                {
                    if (sameRun == 2 * context)
                    {
                        break;
                    }
                    sameRun++;
                }
                else
                {
                    sameRun = 0;
                }
                end++;
            }
            end -= Math.Max(0, sameRun - context);
            hunks.Add(Build(script, a, b, start, end));
            k = end;
        }
        return hunks;
    }

    private static DiffHunk Build(List<Op> script, string[] a, string[] b, int start, int end)
    {
        int ai = 0, bi = 0;
        for (var i = 0; i < start; i++)
        {
            if (script[i] != Op.Insert)
            {
                ai++;
            }
            if (script[i] != Op.Delete)
            {
                bi++;
            }
        }
        var lines = new List<string>(end - start);
        int oldStart = ai, newStart = bi;
        for (var i = start; i < end; i++)
        {
            switch (script[i])
            {
                case Op.Same:
                    lines.Add(" " + a[ai++]);
                    bi++;
                    break;
                case Op.Delete:
                    lines.Add("-" + a[ai++]);
                    break;
                default:
                    lines.Add("+" + b[bi++]);
                    break;
            }
        }
        int oldLines = ai - oldStart, newLines = bi - newStart;
        // As diff -u: an empty range starts at the line before it.
        return new DiffHunk(oldLines == 0 ? oldStart : oldStart + 1, oldLines, newLines == 0 ? newStart : newStart + 1, newLines, lines);
    }
}
