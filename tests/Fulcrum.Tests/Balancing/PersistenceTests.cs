using System.Net;
using Fulcrum.Appliance.Balancing;
using Fulcrum.Appliance.Balancing.Persistence;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Balancing;

public sealed class PersistenceTests
{
    private static readonly PersistenceProfile Source = new() { Name = "src", Method = PersistenceMethods.SourceAddress, Timeout = 60, Mask = "255.255.255.0" };

    private readonly FakeClock _clock = new();
    private readonly PersistenceService _persistence;
    private readonly TestPools _pools;

    public PersistenceTests()
    {
        _persistence = new PersistenceService(_clock, new PersistenceOptions { CookieSecret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)] });
        _pools = TestPools.Of(LoadBalancingModes.RoundRobin, [1, 1, 1], _clock);
    }

    private PoolState Pool => _pools.Pool();

    [Fact]
    public void Lookup_AfterRecord_ReturnsMemberUntilTimeout()
    {
        _persistence.Record("v", Pool, Source, "192.0.2.0", Pool.Members[1]);
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(Pool.Members[1], _persistence.Lookup("v", Pool, Source, "192.0.2.0"));
        // The lookup refreshed the record: 59 s more still finds it, 61 s of silence does not.
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(Pool.Members[1], _persistence.Lookup("v", Pool, Source, "192.0.2.0"));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(_persistence.Lookup("v", Pool, Source, "192.0.2.0"));
        Assert.Equal(0, _persistence.Table.Count);
        Assert.Equal(0, Pool.Members[1].PersistenceRecords);
    }

    [Fact]
    public void Record_UniversalTimeout_OverridesProfile()
    {
        var universal = new PersistenceProfile { Name = "universal", Method = PersistenceMethods.Universal, Timeout = 3600 };
        _persistence.Record("v", Pool, universal, "cart-42", Pool.Members[0], TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(_persistence.Lookup("v", Pool, universal, "cart-42"));
    }

    [Theory]
    [InlineData("192.0.2.77", "255.255.255.0", "192.0.2.0")]
    [InlineData("192.0.2.77", "255.255.255.255", "192.0.2.77")]
    [InlineData("192.0.2.77", "255.255.0.0", "192.0.0.0")]
    [InlineData("::ffff:192.0.2.77", "255.255.255.0", "192.0.2.0")]
    [InlineData("2001:db8::1:2:3", "ffff:ffff:ffff:ffff::", "2001:db8::")]
    [InlineData("2001:db8::1:2:3", "255.255.255.255", "2001:db8::1:2:3")]
    [InlineData("2001:db8::1:2:3", "255.255.255.0", "2001:db8::1:2:0")]
    public void SourceAddressKey_Mask_Applied(string client, string mask, string expected) =>
        Assert.Equal(expected, PersistenceKeys.SourceAddressKey(IPAddress.Parse(client), mask));

    [Fact]
    public void Lookup_SameMaskedNetwork_SharesRecord()
    {
        var key = PersistenceKeys.SourceAddressKey(IPAddress.Parse("192.0.2.10"), Source.Mask);
        _persistence.Record("v", Pool, Source, key, Pool.Members[2]);
        var neighbour = PersistenceKeys.SourceAddressKey(IPAddress.Parse("192.0.2.200"), Source.Mask);
        Assert.Same(Pool.Members[2], _persistence.Lookup("v", Pool, Source, neighbour));
    }

    [Fact]
    public void Cookie_EncodeDecode_RoundTripsWithoutShowingTheAddress()
    {
        foreach (var member in Pool.Members)
        {
            var value = _persistence.Cookies.Encode(member);
            Assert.Equal(CookiePersistence.ValueLength, value.Length);
            Assert.DoesNotContain("10.0", value, StringComparison.Ordinal);
            Assert.Same(member, _persistence.Cookies.Decode(Pool, value));
        }
        Assert.NotEqual(_persistence.Cookies.Encode(Pool.Members[0]), _persistence.Cookies.Encode(Pool.Members[1]));
    }

    [Fact]
    public void Cookie_TamperedOrForeign_Refused()
    {
        var value = _persistence.Cookies.Encode(Pool.Members[0]);
        for (var i = 0; i < value.Length; i++)
        {
            var tampered = value[..i] + (value[i] == 'A' ? 'B' : 'A') + value[(i + 1)..];
            Assert.Null(_persistence.Cookies.Decode(Pool, tampered));
        }
        var otherKey = new CookiePersistence(new byte[32]);
        Assert.Null(_persistence.Cookies.Decode(Pool, otherKey.Encode(Pool.Members[0])));
        Assert.Null(_persistence.Cookies.Decode(Pool, "10.0.0.1:80"));
        Assert.Null(_persistence.Cookies.Decode(Pool, null));
    }

    [Fact]
    public void Cookie_SetCookie_CarriesProfileAttributes()
    {
        var profile = new PersistenceProfile { Name = "c", Method = PersistenceMethods.Cookie, CookieExpiration = 3600, CookieSecure = true, CookieSameSite = "lax" };
        var header = _persistence.Cookies.SetCookie(profile, Pool.Members[0], _clock.GetUtcNow());
        Assert.Equal($"fulcrum_p={_persistence.Cookies.Encode(Pool.Members[0])}; Path=/; Max-Age=3600; Expires=Tue, 01 Jan 2030 01:00:00 GMT; HttpOnly; Secure; SameSite=Lax", header);
        var session = _persistence.Cookies.SetCookie(profile with { CookieExpiration = 0, CookieHttpOnly = false, CookieSecure = false, CookieSameSite = null, CookieName = "lb" }, Pool.Members[0], _clock.GetUtcNow());
        Assert.Equal($"lb={_persistence.Cookies.Encode(Pool.Members[0])}; Path=/", session);
    }

    [Fact]
    public void Cookie_Rewrite_ReplacesValueKeepsAttributes()
    {
        var profile = new PersistenceProfile { Name = "c", Method = PersistenceMethods.Cookie, CookieMethod = "rewrite", CookieName = "SRV" };
        var value = _persistence.Cookies.Encode(Pool.Members[1]);
        Assert.Equal($"SRV={value}; Path=/app; HttpOnly", _persistence.Cookies.Rewrite("SRV=; Path=/app; HttpOnly", profile, Pool.Members[1]));
        Assert.Equal($"SRV={value}", _persistence.Cookies.Rewrite("SRV=placeholder", profile, Pool.Members[1]));
        Assert.Null(_persistence.Cookies.Rewrite("OTHER=1; Path=/", profile, Pool.Members[1]));
    }

    [Fact]
    public void LookupCookie_DownMember_Rebalanced()
    {
        var profile = new PersistenceProfile { Name = "c", Method = PersistenceMethods.Cookie };
        var value = _persistence.Cookies.Encode(Pool.Members[1]);
        Assert.Same(Pool.Members[1], _persistence.LookupCookie(Pool, profile, value));
        Pool.Members[1].SetHealth(TestPools.Down);
        Assert.Null(_persistence.LookupCookie(Pool, profile, value));
    }

    [Fact]
    public void Lookup_MemberDown_RecordDropped()
    {
        _persistence.Record("v", Pool, Source, "k", Pool.Members[0]);
        Pool.Members[0].SetHealth(TestPools.Down);
        Assert.Null(_persistence.Lookup("v", Pool, Source, "k"));
        Pool.Members[0].SetHealth(TestPools.Up);
        Assert.Null(_persistence.Lookup("v", Pool, Source, "k"));
        Assert.Empty(_persistence.List());
    }

    [Fact]
    public void Lookup_DisabledMember_KeepsPersistedClientsButTakesNoNewOnes()
    {
        _persistence.Record("v", Pool, Source, "k", Pool.Members[0]);
        _pools.Publish(_pools.Config with { Pools = [_pools.Config.Pools[0] with { Members = [TestPools.Member(0, state: MemberStates.Disabled), TestPools.Member(1), TestPools.Member(2)] }] });
        Assert.Same(Pool.Members[0], _persistence.Lookup("v", Pool, Source, "k"));
        Assert.Equal(0, TestPools.Count(Pool, 30)[0]);
        // A monitor's receive-disable is the same.
        _pools.Publish(_pools.Config with { Pools = [_pools.Config.Pools[0] with { Members = [TestPools.Member(0), TestPools.Member(1), TestPools.Member(2)] }] });
        Pool.Members[0].SetHealth(new MemberHealth(HealthStatus.Disabled, "receive-disable", _clock.GetUtcNow()));
        Assert.Same(Pool.Members[0], _persistence.Lookup("v", Pool, Source, "k"));
    }

    [Fact]
    public void Lookup_ForcedOfflineMember_RecordDropped()
    {
        _persistence.Record("v", Pool, Source, "k", Pool.Members[0]);
        _pools.Publish(_pools.Config with { Nodes = [new Node { Name = "n", Address = "10.0.0.1", State = MemberStates.ForcedOffline }] });
        Assert.Null(_persistence.Lookup("v", Pool, Source, "k"));
        Assert.Equal(0, _persistence.Table.Count);
    }

    [Fact]
    public void Lookup_MemberAtLimit_SkippedUnlessProfileOverrides()
    {
        _pools.Publish(_pools.Config with { Pools = [_pools.Config.Pools[0] with { Members = [TestPools.Member(0, limit: 1), TestPools.Member(1), TestPools.Member(2)] }] });
        _persistence.Record("v", Pool, Source, "k", Pool.Members[0]);
        Pool.Members[0].ConnectionOpened();
        Assert.Null(_persistence.Lookup("v", Pool, Source, "k"));
        Assert.Same(Pool.Members[0], _persistence.Lookup("v", Pool, Source with { OverrideConnectionLimit = true }, "k"));
    }

    [Fact]
    public void Lookup_UnrelatedConfigChange_RecordSurvives()
    {
        _persistence.Record("v", Pool, Source, "k", Pool.Members[2]);
        _pools.Publish(_pools.Config with { Pools = [.. _pools.Config.Pools, new Pool { Name = "other", Members = [TestPools.Member(9)] }] });
        Assert.Same(Pool.Members[2], _persistence.Lookup("v", Pool, Source, "k"));
    }

    [Fact]
    public void Lookup_MemberRemovedFromPool_RecordDropped()
    {
        _persistence.Record("v", Pool, Source, "k", Pool.Members[2]);
        _pools.Publish(_pools.Config with { Pools = [_pools.Config.Pools[0] with { Members = [TestPools.Member(0), TestPools.Member(1)] }] });
        Assert.Null(_persistence.Lookup("v", Pool, Source, "k"));
    }

    [Fact]
    public void Lookup_MatchAcrossVirtuals_SharedOnlyWhenProfileSaysSo()
    {
        _persistence.Record("v1", Pool, Source, "k", Pool.Members[1]);
        Assert.Null(_persistence.Lookup("v2", Pool, Source, "k"));
        var across = Source with { MatchAcrossVirtuals = true };
        _persistence.Record("v1", Pool, across, "k", Pool.Members[1]);
        Assert.Same(Pool.Members[1], _persistence.Lookup("v2", Pool, across, "k"));
    }

    [Fact]
    public void Record_OverCapacity_EvictsSoonestToExpire()
    {
        var small = new PersistenceService(_clock, new PersistenceOptions { Capacity = 8, CookieSecret = new byte[32] });
        for (var i = 0; i < 9; i++)
        {
            small.Record("v", Pool, Source with { Timeout = 100 + i }, $"k{i}", Pool.Members[0]);
        }
        Assert.Equal(7, small.Table.Count);
        Assert.Null(small.Lookup("v", Pool, Source with { Timeout = 100 }, "k0"));
        Assert.NotNull(small.Lookup("v", Pool, Source with { Timeout = 108 }, "k8"));
        Assert.Equal(7, Pool.Members[0].PersistenceRecords);
    }

    [Fact]
    public void Record_LongKey_StoredAsHash()
    {
        var key = new string('x', 5000);
        _persistence.Record("v", Pool, Source, key, Pool.Members[0]);
        Assert.Same(Pool.Members[0], _persistence.Lookup("v", Pool, Source, key));
        Assert.StartsWith("sha256:", _persistence.List()[0].Key, StringComparison.Ordinal);
    }

    [Fact]
    public void ListAndClear_Filters_MatchEveryGivenField()
    {
        _persistence.Record("v1", Pool, Source, "a", Pool.Members[0]);
        _persistence.Record("v1", Pool, Source, "b", Pool.Members[1]);
        _persistence.Record("v2", Pool, Source, "a", Pool.Members[2]);
        Assert.Equal(3, _persistence.List().Count);
        Assert.Equal(["a", "b"], _persistence.List(virtualName: "v1").Select(e => e.Key));
        var entry = Assert.Single(_persistence.List(virtualName: "v2", key: "a"));
        Assert.Equal(("v2", "p", "10.0.0.3:80", "src", "source-address"), (entry.Virtual, entry.Pool, entry.Member, entry.Profile, entry.Method));
        Assert.Equal(entry.Created + TimeSpan.FromSeconds(60), entry.Expires);
        Assert.Equal(2, _persistence.Clear(key: "a"));
        Assert.Equal(["b"], _persistence.List().Select(e => e.Key));
        Assert.Equal([0, 1, 0], Pool.Members.Select(m => m.PersistenceRecords).ToArray());
    }

    [Fact]
    public void Options_FromDataDir_KeepsTheCookieSecret()
    {
        using var dir = new TempDir();
        var first = PersistenceOptions.FromDataDir(dir.Path);
        var second = PersistenceOptions.FromDataDir(dir.Path);
        Assert.Equal(first.CookieSecret, second.CookieSecret);
    }
}
