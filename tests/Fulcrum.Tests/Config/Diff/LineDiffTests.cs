using Fulcrum.Appliance.Config.Diff;

namespace Fulcrum.Tests.Config.Diff;

public sealed class LineDiffTests
{
    private static string Lines(int from, int to, Func<int, string>? f = null) =>
        string.Concat(Enumerable.Range(from, to - from + 1).Select(i => (f ?? (n => $"line {n}"))(i) + "\n"));

    [Fact]
    public void Compute_SameText_NoHunks() => Assert.Empty(LineDiff.Compute("a\nb\n", "a\nb\n"));

    [Fact]
    public void Compute_OneLineChanged_OneHunkWithThreeLinesOfContext()
    {
        var hunks = LineDiff.Compute(Lines(1, 10), Lines(1, 10, n => n == 5 ? "five" : $"line {n}"));

        var h = Assert.Single(hunks);
        Assert.Equal("@@ -2,7 +2,7 @@", h.Header);
        Assert.Equal([" line 2", " line 3", " line 4", "-line 5", "+five", " line 6", " line 7", " line 8"], h.Lines);
    }

    [Fact]
    public void Compute_ChangesFarApart_TwoHunks_CloseTogether_One()
    {
        var far = LineDiff.Compute(Lines(1, 20), Lines(1, 20, n => n is 2 or 18 ? "x" : $"line {n}"));
        var near = LineDiff.Compute(Lines(1, 20), Lines(1, 20, n => n is 2 or 8 ? "x" : $"line {n}"));

        Assert.Equal(2, far.Count);
        Assert.Equal("@@ -15,6 +15,6 @@", far[1].Header);
        Assert.Single(near);
    }

    [Fact]
    public void Compute_InsertAtStartAndEmptyOld()
    {
        var insert = Assert.Single(LineDiff.Compute("a\n", "new\na\n"));
        var fromEmpty = Assert.Single(LineDiff.Compute("", "a\nb\n"));

        Assert.Equal("@@ -1,1 +1,2 @@", insert.Header);
        Assert.Equal(["+new", " a"], insert.Lines);
        Assert.Equal("@@ -0,0 +1,2 @@", fromEmpty.Header);
    }

    [Fact]
    public void Compute_CrLf_SameLinesAsLf() => Assert.Empty(LineDiff.Compute("a\r\nb\r\n", "a\nb\n"));
}
