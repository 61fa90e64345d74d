namespace Fulcrum.Tests.Infrastructure;

/// <summary>
/// A measurement at scale (thousands of members, throughput bounds). It needs a quiet machine, so it runs when
/// FULCRUM_SCALE=1 (the bench scripts set it) and is skipped, with this reason, in the ordinary suite.
/// </summary>
public sealed class ScaleFactAttribute : FactAttribute
{
    public ScaleFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FULCRUM_SCALE") != "1")
        {
            Skip = "scale measurement: run bench/health-scale.sh (FULCRUM_SCALE=1) on a quiet machine";
        }
    }
}
