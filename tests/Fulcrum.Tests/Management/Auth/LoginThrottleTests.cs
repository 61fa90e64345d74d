using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management.Auth;

public sealed class LoginThrottleTests
{
    private readonly FakeClock _time = new();

    [Fact]
    public void FiveFailures_BlockThatPairOnly_ForFirstBlock()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            Assert.Null(throttle.Failure("10.0.0.1", "alice"));
            Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
        }
        Assert.Equal(LoginThrottle.FirstBlock, throttle.Failure("10.0.0.1", "alice"));

        Assert.Equal(LoginThrottle.FirstBlock, throttle.RetryAfter("10.0.0.1", "alice"));
        // Nobody else is locked out: alice from another address, and bob from this one.
        Assert.Null(throttle.RetryAfter("10.0.0.2", "alice"));
        Assert.Null(throttle.RetryAfter("10.0.0.1", "bob"));

        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(TimeSpan.FromSeconds(15), throttle.RetryAfter("10.0.0.1", "alice"));
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
    }

    [Fact]
    public void ManyNamesFromOneAddress_BlockTheAddressForEveryName()
    {
        var throttle = new LoginThrottle(_time);
        TimeSpan? block = null;
        for (var i = 0; i < LoginThrottle.AddressMaxFailures; i++)
        {
            block = throttle.Failure("10.0.0.1", "user" + i);
        }

        Assert.Equal(LoginThrottle.FirstBlock, block);
        Assert.NotNull(throttle.RetryAfter("10.0.0.1", "someone-else"));
        Assert.Null(throttle.RetryAfter("10.0.0.2", "user0"));
    }

    [Fact]
    public void OneNameGuessedFromManyAddresses_EachFailingAddressSlowed_ACleanAddressStillLogsIn()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.UserSlowAfter; i++)
        {
            throttle.Failure("10.0.1." + i, "admin");
        }

        // The name is now slow: one more failure from a new address refuses that address for the name's block.
        Assert.Equal(LoginThrottle.FirstBlock, throttle.Failure("10.0.2.1", "admin"));
        Assert.NotNull(throttle.RetryAfter("10.0.2.1", "admin"));
        Assert.NotNull(throttle.RetryAfter("10.0.1.9", "admin"));
        // An address that has not failed is never refused.
        Assert.Null(throttle.RetryAfter("10.9.9.9", "admin"));
        throttle.Success("10.9.9.9", "admin");
        Assert.NotNull(throttle.RetryAfter("10.0.2.1", "admin"));
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
    public void Success_ClearsItsPair_NotTheAddress()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.AddressMaxFailures - 1; i++)
        {
            throttle.Failure("10.0.0.1", "user" + i);
        }
        throttle.Failure("10.0.0.1", "alice");
        throttle.Success("10.0.0.1", "alice");

        Assert.NotNull(throttle.RetryAfter("10.0.0.1", null));
    }

    [Fact]
    public void Success_ResetsCountOfThePair()
    {
        var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++)
        {
            throttle.Failure("10.0.0.1", "alice");
        }
        throttle.Success("10.0.0.1", "alice");
        Assert.Null(throttle.Failure("10.0.0.1", "alice"));
        Assert.Null(throttle.RetryAfter("10.0.0.1", "alice"));
    }

    [Fact]
    public void TrackedKeys_AreBounded_OldestEvicted()
    {
        var throttle = new LoginThrottle(_time, maxKeys: 10);
        for (var i = 0; i < LoginThrottle.AddressMaxFailures; i++)
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
            if (throttle.Failure("10.0.0.1", "u" + (i % 200)) is not null)
            {
                Interlocked.Increment(ref blocks);
            }
            return ValueTask.CompletedTask;
        });
        Assert.Equal(LoginThrottle.MaxFailures * 20 / LoginThrottle.AddressMaxFailures, blocks);
    }
}
