using Dapper;
using Fulcrum.Appliance.Management.Auth;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management.Auth;

public sealed class UserStoreTests : IDisposable
{
    private readonly TempDatabase _temp = new();
    private readonly FakeClock _time = new();
    private readonly UserStore _users;

    public UserStoreTests()
    {
        _users = new UserStore(_temp.Db, new PasswordHasher(1000), _time);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Add_ThenGetAndVerify()
    {
        var added = _users.Add("alice", Roles.Operator, "alice-pass", "ops");
        Assert.Equal(new User("alice", Roles.Operator, "ops", _time.GetUtcNow(), _time.GetUtcNow()), added);
        Assert.Equal(added, _users.Get("alice"));
        Assert.Equal(added, _users.Verify("alice", "alice-pass"));
        Assert.Null(_users.Verify("alice", "wrong-pass"));
        Assert.Null(_users.Verify("nobody", "alice-pass"));
        Assert.Equal(1, _users.Count());
    }

    [Fact]
    public void Add_StoresOnlyTheHash()
    {
        _users.Add("alice", Roles.Operator, "alice-pass", null);
        using var c = _temp.Db.Connect();
        var stored = c.ExecuteScalar<string>("SELECT password_hash FROM users WHERE name = 'alice'")!;
        Assert.StartsWith("pbkdf2-sha256$1000$", stored);
        Assert.DoesNotContain("alice-pass", stored);
    }

    [Fact]
    public void Add_Duplicate_Conflict()
    {
        _users.Add("alice", Roles.Operator, "alice-pass", null);
        var ex = Assert.Throws<UserStoreException>(() => _users.Add("alice", Roles.Admin, "other-pass", null));
        Assert.Equal(UserStoreError.Conflict, ex.Error);
    }

    [Fact]
    public void Add_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<UserStoreException>(() => _users.Add("../x", "root", "short", null));
        Assert.Equal(UserStoreError.Invalid, ex.Error);
        Assert.Equal(["name", "role", "password"], ex.Errors.Select(e => e.Path));
        Assert.Equal(0, _users.Count());
    }

    [Fact]
    public void Add_SevenCharacterPassword_Refused_EightAccepted()
    {
        Assert.Throws<UserStoreException>(() => _users.Add("bob", Roles.Auditor, "1234567", null));
        _users.Add("bob", Roles.Auditor, "12345678", null);
    }

    [Fact]
    public void Delete_RemovesUserAndSessions()
    {
        _users.Add("root", Roles.Admin, "root-pass", null);
        _users.Add("alice", Roles.Operator, "alice-pass", null);
        var sessions = new SessionStore(_temp.Db, _time);
        var issued = sessions.Create("alice", AuthMethods.Bearer);

        _users.Delete("alice");

        Assert.Null(_users.Get("alice"));
        Assert.Null(_users.Verify("alice", "alice-pass"));
        Assert.Null(sessions.Validate(issued.Token, AuthMethods.Bearer));
        Assert.Equal(UserStoreError.NotFound, Assert.Throws<UserStoreException>(() => _users.Delete("alice")).Error);
    }

    [Fact]
    public void Delete_LastAdmin_Refused()
    {
        _users.Add("root", Roles.Admin, "root-pass", null);
        _users.Add("alice", Roles.Operator, "alice-pass", null);
        Assert.Equal(UserStoreError.Conflict, Assert.Throws<UserStoreException>(() => _users.Delete("root")).Error);

        _users.Add("root2", Roles.Admin, "root-pass", null);
        _users.Delete("root");
        Assert.Null(_users.Get("root"));
    }

    [Fact]
    public void SetRole_LastAdminToOperator_Refused()
    {
        _users.Add("root", Roles.Admin, "root-pass", null);
        Assert.Equal(UserStoreError.Conflict, Assert.Throws<UserStoreException>(() => _users.SetRole("root", Roles.Operator)).Error);
        Assert.Equal(Roles.Admin, _users.Get("root")!.Role);
    }

    [Fact]
    public void Update_ChangesFieldsAndUpdatedTime()
    {
        _users.Add("alice", Roles.Operator, "alice-pass", "old");
        _time.Advance(TimeSpan.FromMinutes(1));
        var updated = _users.Update("alice", new UserUpdate { Role = Roles.Auditor, SetDescription = true, Description = null });
        Assert.Equal(Roles.Auditor, updated.Role);
        Assert.Null(updated.Description);
        Assert.Equal(_time.GetUtcNow(), updated.Updated);
        Assert.True(updated.Created < updated.Updated);
        Assert.NotNull(_users.Verify("alice", "alice-pass"));
    }

    [Fact]
    public void SetPassword_OldPasswordFails_EvenWhenCached_AndSessionsRevoked()
    {
        _users.Add("alice", Roles.Operator, "alice-pass", null);
        Assert.NotNull(_users.Verify("alice", "alice-pass"));
        Assert.Equal(1, _users.Cache.Count);
        var sessions = new SessionStore(_temp.Db, _time);
        var issued = sessions.Create("alice", AuthMethods.Cookie);

        _users.SetPassword("alice", "new-alice-pass");

        Assert.Equal(0, _users.Cache.Count);
        Assert.Null(_users.Verify("alice", "alice-pass"));
        Assert.NotNull(_users.Verify("alice", "new-alice-pass"));
        Assert.Null(sessions.Validate(issued.Token, AuthMethods.Cookie));
    }

    [Fact]
    public void SetPassword_TooShort_Invalid_NotFound_ForUnknown()
    {
        _users.Add("alice", Roles.Operator, "alice-pass", null);
        Assert.Equal(UserStoreError.Invalid, Assert.Throws<UserStoreException>(() => _users.SetPassword("alice", "short")).Error);
        Assert.Equal(UserStoreError.NotFound, Assert.Throws<UserStoreException>(() => _users.SetPassword("nobody", "long-enough")).Error);
    }

    [Fact]
    public void VerificationCache_MissesWhenHashDiffers_AndAfterLifetime()
    {
        var cache = new VerificationCache(_time);
        cache.Remember("alice", "pw", "hash-1");
        Assert.True(cache.IsVerified("alice", "pw", "hash-1"));
        Assert.False(cache.IsVerified("alice", "pw", "hash-2"));

        cache.Remember("alice", "pw", "hash-1");
        Assert.False(cache.IsVerified("alice", "other", "hash-1"));
        _time.Advance(VerificationCache.Lifetime + TimeSpan.FromSeconds(1));
        Assert.False(cache.IsVerified("alice", "pw", "hash-1"));
    }

    [Fact]
    public void VerificationCache_IsBounded()
    {
        var cache = new VerificationCache(_time);
        for (var i = 0; i < VerificationCache.MaxEntries * 2; i++)
        {
            cache.Remember("u" + i, "pw", "h");
        }
        Assert.True(cache.Count <= VerificationCache.MaxEntries);
    }

    [Fact]
    public void EnsureAdmin_WithEnvPassword_CreatesAdminOnce()
    {
        Assert.True(_users.EnsureAdmin("env-password", out var generated));
        Assert.Null(generated);
        var admin = _users.Verify(UserStore.InitialAdmin, "env-password");
        Assert.Equal(Roles.Admin, admin?.Role);

        Assert.False(_users.EnsureAdmin("another-password", out generated));
        Assert.Null(generated);
        Assert.Equal(1, _users.Count());
    }

    [Fact]
    public void EnsureAdmin_WithoutEnv_GeneratesStrongPassword()
    {
        Assert.True(_users.EnsureAdmin(null, out var generated));
        Assert.NotNull(generated);
        Assert.True(generated.Length >= 20);
        Assert.NotNull(_users.Verify(UserStore.InitialAdmin, generated));
    }

    [Fact]
    public void EnsureAdmin_ShortEnvPassword_Throws()
    {
        var ex = Assert.Throws<UserStoreException>(() => _users.EnsureAdmin("short", out _));
        Assert.Equal("FULCRUM_ADMIN_PASSWORD", ex.Errors[0].Path);
        Assert.Equal(0, _users.Count());
    }

    [Fact]
    public void EnsureAdmin_ExistingUsers_DoesNothing()
    {
        _users.Add("root", Roles.Admin, "root-pass", null);
        Assert.False(_users.EnsureAdmin(null, out var generated));
        Assert.Null(generated);
        Assert.Null(_users.Get(UserStore.InitialAdmin));
    }

    [Fact]
    public void List_SortedByName_WithoutHashes()
    {
        _users.Add("zed", Roles.Auditor, "zed-password", null);
        _users.Add("amy", Roles.Admin, "amy-password", null);
        Assert.Equal(["amy", "zed"], _users.List().Select(u => u.Name));
    }
}
