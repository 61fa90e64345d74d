using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management.Auth;

public sealed class LoginThrottleTests
{
    private readonly FakeClock _time = new();

    [Fact]
    public void FiveFailures_BlocksUserAndAddress_ForFirstBlock()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            Assert.Null(throttle.Failure("10.0.0.1", "alice"));
            Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
        }
        Assert.Equal(LoginThrottle.FirstBlock, throttle.Failure("10.0.0.1", "alice"));

        Assert.Equal(LoginThrottle.FirstBlock, throttle.RetryAfter("10.0.0.1", "alice"));
        Assert.Equal(LoginThrottle.FirstBlock, throttle.RetryAfter("10.0.0.2", "alice"));
        Assert.Equal(LoginThrottle.FirstBlock, throttle.RetryAfter("10.0.0.1", "bob"));
        Assert.Null(throttle.RetryAfter("10.0.0.2", "bob"));

        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(TimeSpan.FromSeconds(15), throttle.RetryAfter("10.0.0.1", "alice"));
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
    }

    [Fact]
    public void FailuresSpreadBeyondWindow_DoNotBlock()
    {
        var throttle = new LoginThrottle(_time);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
            {
                Assert.Null(throttle.Failure("10.0.0.1", "alice"));
            }
            _time.Advance(LoginThrottle.Window + TimeSpan.FromSeconds(1));
        }
        Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
    }

    [Fact]
    public void RepeatedBlocks_DoubleUpToMax()
    {
        var throttle = new LoginThrottle(_time);
        var blocks = new List<TimeSpan>();
        for (var round = 0; round < 6; round++)
        {
            TimeSpan? block = null;
            for (var i = 0; i < LoginThrottle.MaxFailures; i++)
            {
                block = throttle.Failure("10.0.0.1", "alice");
            }
            blocks.Add(block!.Value);
            _time.Advance(block.Value);
        }
        Assert.Equal([1, 2, 4, 8, 15, 15], blocks.Select(b => b.TotalMinutes));
    }

    [Fact]
    public void Success_ClearsUserKey_NotAddressKey()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            throttle.Failure("10.0.0.1", "alice");
        }
        throttle.Success("alice");
        Assert.Null(throttle.RetryAfter("10.0.0.2", "alice"));
        Assert.NotNull(throttle.RetryAfter("10.0.0.1", null));
    }

    [Fact]
    public void Success_ResetsCountOfUser()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            throttle.Failure("10.0.0." + i, "alice");
        }
        throttle.Success("alice");
        Assert.Null(throttle.Failure("10.0.0.9", "alice"));
        Assert.Null(throttle.RetryAfter("10.0.0.9", "alice"));
    }

    [Fact]
    public void TrackedKeys_AreBounded_OldestEvicted()
    {
        var throttle = new LoginThrottle(_time, maxKeys: 10);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            throttle.Failure("10.0.0.1", null);
        }
        Assert.NotNull(throttle.RetryAfter("10.0.0.1", null));
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            throttle.Failure("10.1.0." + i, null);
        }
        Assert.Equal(10, throttle.TrackedKeys);
        Assert.Null(throttle.RetryAfter("10.0.0.1", null));
    }

    [Fact]
    public async Task ConcurrentFailures_AreAllCounted()
    {
        var throttle = new LoginThrottle(_time);
        var blocks = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, LoginThrottle.MaxFailures * 20), (i, _) =>
        {
            if (throttle.Failure("10.0.0." + (i % 200), "alice") is not null)
            {
                Interlocked.Increment(ref blocks);
            }
            return ValueTask.CompletedTask;
        });
        Assert.Equal(20, blocks);
    }
}
