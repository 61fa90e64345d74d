using System.Buffers.Text;
using System.Security.Cryptography;
using Dapper;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// Management users in the <c>users</c> table. Every change validates in full first, then runs in one transaction;
/// a password change and a delete also end the user's sessions in that same transaction, so no stolen token
/// outlives either.
/// </summary>
public sealed class UserStore
{
    public const int MinPasswordLength = 8;

    // Bounds the work one login can ask PBKDF2 to do.
    public const int MaxPasswordLength = 1024;

    public const int MaxDescriptionLength = 1024;

    /// <summary>The user made on first start.</summary>
    public const string InitialAdmin = "admin";

    private const string Columns = "name AS Name, role AS Role, password_hash AS PasswordHash, description AS Description, created AS Created, updated AS Updated";

    private readonly SqliteDatabase _db;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly VerificationCache _cache;
    private readonly Lazy<string> _dummyHash;

    public UserStore(SqliteDatabase db, PasswordHasher hasher, TimeProvider? time = null, ILogger<UserStore>? logger = null)
    {
        _db = db;
        _hasher = hasher;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<UserStore>.Instance;
        _cache = new VerificationCache(_time);
        _dummyHash = new Lazy<string>(() => _hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
    }

    internal VerificationCache Cache => _cache;

    public int Count()
    {
        using var c = _db.Connect();
        return c.ExecuteScalar<int>("SELECT COUNT(*) FROM users");
    }

    public IReadOnlyList<User> List()
    {
        using var c = _db.Connect();
        return c.Query<Row>($"SELECT {Columns} FROM users ORDER BY name").Select(r => r.ToUser()).ToList();
    }

    public User? Get(string name)
    {
        using var c = _db.Connect();
        return c.QuerySingleOrDefault<Row>($"SELECT {Columns} FROM users WHERE name = @name", new { name })?.ToUser();
    }

    /// <summary>The user if the password is theirs, else null (also for an unknown user, after the same work).</summary>
    public User? Verify(string name, string password)
    {
        if (password.Length > MaxPasswordLength)
        {
            return null;
        }
        Row? row;
        using (var c = _db.Connect())
        {
            row = c.QuerySingleOrDefault<Row>($"SELECT {Columns} FROM users WHERE name = @name", new { name });
        }
        if (row is null)
        {
            // Same cost as a real check, so response time does not tell which user names exist.
            _hasher.Verify(password, _dummyHash.Value);
            return null;
        }
        if (_cache.IsVerified(name, password, row.PasswordHash))
        {
            return row.ToUser();
        }
        if (!_hasher.Verify(password, row.PasswordHash))
        {
            return null;
        }
        _cache.Remember(name, password, row.PasswordHash);
        return row.ToUser();
    }

    public User Add(string name, string role, string password, string? description)
    {
        var errors = new List<ConfigError>();
        if (NameRules.Problem(name) is { } nameProblem)
        {
            errors.Add(new ConfigError("name", nameProblem));
        }
        CheckRole(role, errors);
        CheckPassword(password, errors);
        CheckDescription(description, errors);
        ThrowIfAny(errors);

        var hash = _hasher.Hash(password);
        var now = Timestamps.Format(_time.GetUtcNow());
        using var c = _db.Connect();
        using var tx = c.BeginTransaction();
        if (c.ExecuteScalar<int>("SELECT COUNT(*) FROM users WHERE name = @name", new { name }, tx) > 0)
        {
            throw new UserStoreException(UserStoreError.Conflict, "name", $"user {name} already exists");
        }
        c.Execute(
            "INSERT INTO users (name, role, password_hash, description, created, updated) VALUES (@name, @role, @hash, @description, @now, @now)",
            new { name, role, hash, description, now }, tx);
        tx.Commit();
        AuthLog.UserCreated(_logger, name, role);
        return Get(name)!;
    }

    public User SetPassword(string name, string password) => Update(name, new UserUpdate { Password = password });

    public User SetRole(string name, string role) => Update(name, new UserUpdate { Role = role });

    public User SetDescription(string name, string? description) => Update(name, new UserUpdate { SetDescription = true, Description = description });

    public User Update(string name, UserUpdate update)
    {
        var errors = new List<ConfigError>();
        if (update.Role is { } role)
        {
            CheckRole(role, errors);
        }
        if (update.Password is { } password)
        {
            CheckPassword(password, errors);
        }
        if (update.SetDescription)
        {
            CheckDescription(update.Description, errors);
        }
        ThrowIfAny(errors);

        var hash = update.Password is null ? null : _hasher.Hash(update.Password);
        var now = Timestamps.Format(_time.GetUtcNow());
        int revoked;
        using (var c = _db.Connect())
        using (var tx = c.BeginTransaction())
        {
            var row = c.QuerySingleOrDefault<Row>($"SELECT {Columns} FROM users WHERE name = @name", new { name }, tx)
                ?? throw NotFound(name);
            if (row.Role == Roles.Admin && update.Role is not null && update.Role != Roles.Admin && AdminCount(c, tx) <= 1)
            {
                throw new UserStoreException(UserStoreError.Conflict, "role", $"{name} is the last admin; make another user admin first");
            }
            c.Execute(
                """
                UPDATE users SET role = COALESCE(@role, role), password_hash = COALESCE(@hash, password_hash),
                    description = CASE WHEN @setDescription THEN @description ELSE description END, updated = @now
                WHERE name = @name
                """,
                new { name, role = update.Role, hash, setDescription = update.SetDescription, description = update.Description, now }, tx);
            revoked = hash is null ? 0 : c.Execute("DELETE FROM sessions WHERE user = @name", new { name }, tx);
            tx.Commit();
        }
        if (hash is not null)
        {
            _cache.Forget(name);
            AuthLog.PasswordChanged(_logger, name, revoked);
        }
        var user = Get(name)!;
        if (update.Role is not null || update.SetDescription)
        {
            AuthLog.UserUpdated(_logger, name, user.Role);
        }
        return user;
    }

    public void Delete(string name)
    {
        using (var c = _db.Connect())
        using (var tx = c.BeginTransaction())
        {
            var role = c.QuerySingleOrDefault<string>("SELECT role FROM users WHERE name = @name", new { name }, tx)
                ?? throw NotFound(name);
            if (role == Roles.Admin && AdminCount(c, tx) <= 1)
            {
                throw new UserStoreException(UserStoreError.Conflict, "name", $"{name} is the last admin and cannot be deleted");
            }
            c.Execute("DELETE FROM sessions WHERE user = @name", new { name }, tx);
            c.Execute("DELETE FROM users WHERE name = @name", new { name }, tx);
            tx.Commit();
        }
        _cache.Forget(name);
        AuthLog.UserDeleted(_logger, name);
    }

    /// <summary>
    /// On an empty users table, creates <see cref="InitialAdmin"/> with <paramref name="envPassword"/>
    /// (FULCRUM_ADMIN_PASSWORD) or, without one, a generated password handed back for the caller to print once.
    /// Returns whether it created the user. A too-short <paramref name="envPassword"/> throws, so startup stops
    /// instead of running with a password nobody chose.
    /// </summary>
    public bool EnsureAdmin(string? envPassword, out string? generated)
    {
        generated = null;
        if (Count() > 0)
        {
            return false;
        }
        string password;
        if (string.IsNullOrEmpty(envPassword))
        {
            // 18 random bytes: 144 bits, 24 URL-safe characters that survive copy and paste.
            generated = password = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        }
        else
        {
            password = envPassword;
        }
        try
        {
            Add(InitialAdmin, Roles.Admin, password, "created on first start");
        }
        catch (UserStoreException ex) when (ex.Error == UserStoreError.Invalid)
        {
            throw new UserStoreException(UserStoreError.Invalid, "FULCRUM_ADMIN_PASSWORD", ex.Errors[0].Message);
        }
        AuthLog.AdminCreated(_logger, InitialAdmin, generated is null ? "the FULCRUM_ADMIN_PASSWORD" : "a generated");
        return true;
    }

    private static int AdminCount(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction tx) =>
        c.ExecuteScalar<int>("SELECT COUNT(*) FROM users WHERE role = @admin", new { admin = Roles.Admin }, tx);

    private static void CheckRole(string? role, List<ConfigError> errors)
    {
        if (role is null || !Roles.All.Contains(role))
        {
            errors.Add(new ConfigError("role", $"role must be one of {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}"));
        }
    }

    private static void CheckPassword(string? password, List<ConfigError> errors)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            errors.Add(new ConfigError("password", $"a password needs at least {MinPasswordLength} characters"));
        }
        else if (password.Length > MaxPasswordLength)
        {
            errors.Add(new ConfigError("password", $"a password may have at most {MaxPasswordLength} characters"));
        }
    }

    private static void CheckDescription(string? description, List<ConfigError> errors)
    {
        if (description is not null && description.Length > MaxDescriptionLength)
        {
            errors.Add(new ConfigError("description", $"a description may have at most {MaxDescriptionLength} characters"));
        }
    }

    private static void ThrowIfAny(List<ConfigError> errors)
    {
        if (errors.Count > 0)
        {
            throw new UserStoreException(UserStoreError.Invalid, errors);
        }
    }

    private static UserStoreException NotFound(string name) => new(UserStoreError.NotFound, "name", $"no user {name}");

    private sealed class Row
    {
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public string? Description { get; set; }
        public string Created { get; set; } = "";
        public string Updated { get; set; } = "";

        public User ToUser() => new(Name, Role, Description, Timestamps.Parse(Created), Timestamps.Parse(Updated));
    }
}
