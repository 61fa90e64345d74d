using Dapper;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management.Auth;

public sealed class SessionStoreTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly FakeClock _time = new();
    private readonly SessionStore _sessions;

    public SessionStoreTests()
    {
        var users = new UserStore(_temp.Db, new PasswordHasher(1000), _time);
        users.Add("alice", Roles.Operator, "alice-pass", null);
        users.Add("root", Roles.Admin, "root-pass", null);
        _sessions = new SessionStore(_temp.Db, _time);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Create_Bearer_ValidatesWithRole_NoCsrf()
    {
        var issued = _sessions.Create("alice", AuthMethods.Bearer);
        Assert.Equal(43, issued.Token.Length);
        Assert.Null(issued.CsrfToken);
        Assert.Equal(_time.GetUtcNow() + SessionStore.DefaultLifetime, issued.ExpiresAt);

        var session = _sessions.Validate(issued.Token, AuthMethods.Bearer);
        Assert.NotNull(session);
        Assert.Equal(("alice", Roles.Operator, issued.IdHash), (session.User, session.Role, session.IdHash));
    }

    [Fact]
    public void Create_Cookie_HasCsrf_AndKindsDoNotMix()
    {
        var issued = _sessions.Create("alice", AuthMethods.Cookie);
        Assert.NotNull(issued.CsrfToken);
        Assert.Equal(issued.CsrfToken, _sessions.Validate(issued.Token, AuthMethods.Cookie)?.Csrf);
        Assert.Null(_sessions.Validate(issued.Token, AuthMethods.Bearer));
    }

    [Fact]
    public void Store_HoldsOnlyTheTokenHash()
    {
        var issued = _sessions.Create("alice", AuthMethods.Bearer);
        using var c = _temp.Db.Connect();
        var ids = c.Query<string>("SELECT id_hash FROM sessions").ToList();
        Assert.Equal([SessionStore.HashToken(issued.Token)], ids);
        Assert.DoesNotContain(issued.Token, ids);
    }

    [Fact]
    public void Validate_AfterExpiry_Null()
    {
        var issued = _sessions.Create("alice", AuthMethods.Bearer, TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(_sessions.Validate(issued.Token, AuthMethods.Bearer));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_sessions.Validate(issued.Token, AuthMethods.Bearer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Validate_UnknownOrMalformed_Null(string token)
    {
        Assert.Null(_sessions.Validate(token, AuthMethods.Bearer));
    }

    [Fact]
    public void Create_LifetimeOverMax_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _sessions.Create("alice", AuthMethods.Bearer, TimeSpan.FromHours(25)));
        Assert.Throws<ArgumentException>(() => _sessions.Create("alice", "basic"));
    }

    [Fact]
    public void Revoke_EndsOnlyThatSession()
    {
        var a = _sessions.Create("alice", AuthMethods.Bearer);
        var b = _sessions.Create("alice", AuthMethods.Bearer);
        Assert.True(_sessions.Revoke(a.IdHash));
        Assert.False(_sessions.Revoke(a.IdHash));
        Assert.Null(_sessions.Validate(a.Token, AuthMethods.Bearer));
        Assert.NotNull(_sessions.Validate(b.Token, AuthMethods.Bearer));
        Assert.True(_sessions.RevokeToken(b.Token));
        Assert.Null(_sessions.Validate(b.Token, AuthMethods.Bearer));
    }

    [Fact]
    public void RevokeAll_EndsEveryOneOfThatUser()
    {
        var a = _sessions.Create("alice", AuthMethods.Bearer);
        var b = _sessions.Create("alice", AuthMethods.Cookie);
        var r = _sessions.Create("root", AuthMethods.Bearer);
        Assert.Equal(2, _sessions.RevokeAll("alice"));
        Assert.Null(_sessions.Validate(a.Token, AuthMethods.Bearer));
        Assert.Null(_sessions.Validate(b.Token, AuthMethods.Cookie));
        Assert.NotNull(_sessions.Validate(r.Token, AuthMethods.Bearer));
    }

    [Fact]
    public void PurgeExpired_RemovesOnlyExpired()
    {
        _sessions.Create("alice", AuthMethods.Bearer, TimeSpan.FromMinutes(5));
        var live = _sessions.Create("alice", AuthMethods.Bearer, TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, _sessions.PurgeExpired());
        Assert.NotNull(_sessions.Validate(live.Token, AuthMethods.Bearer));
    }

    [Fact]
    public void Validate_RoleChange_AppliesToOpenSessions()
    {
        var issued = _sessions.Create("alice", AuthMethods.Bearer);
        new UserStore(_temp.Db, new PasswordHasher(1000), _time).SetRole("alice", Roles.Auditor);
        Assert.Equal(Roles.Auditor, _sessions.Validate(issued.Token, AuthMethods.Bearer)?.Role);
    }
}
