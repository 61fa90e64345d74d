namespace Fulcrum.Tests.Health;

/// <summary>
/// Monitor tests that assert detection within one interval against live servers. They run alone, not beside the
/// suite's load tests, so a busy 2-core machine cannot push a probe past its interval and fail them.
/// </summary>
[CollectionDefinition(nameof(HealthTimingCollection), DisableParallelization = true)]
public sealed class HealthTimingCollection
{
}
