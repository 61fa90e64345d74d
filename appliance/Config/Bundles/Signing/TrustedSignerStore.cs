using System.Globalization;
using Dapper;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Config.Bundles.Signing;

/// <summary>The signers whose bundles this box trusts, and whether it accepts only their bundles.</summary>
public sealed class TrustedSignerStore
{
    private const string RequireSignatureKey = "bundle.requireSignature";

    private readonly SqliteDatabase _db;

    public TrustedSignerStore(SqliteDatabase db)
    {
        _db = db;
    }

    public IReadOnlyList<TrustedSigner> List()
    {
        using var c = _db.Connect();
        return c.Query<Row>("SELECT name AS Name, fingerprint AS Fingerprint, public_key AS PublicKey, added AS Added, added_by AS AddedBy FROM bundle_signers ORDER BY name")
            .Select(ToSigner)
            .ToList();
    }

    public TrustedSigner? FindByFingerprint(string fingerprint) => List().FirstOrDefault(s => s.Fingerprint == fingerprint);

    /// <summary>Adds a signer; false when the name or the key is already listed.</summary>
    public bool Add(string name, byte[] subjectPublicKeyInfo, string addedBy, DateTimeOffset now)
    {
        using var c = _db.Connect();
        return c.Execute(
            "INSERT OR IGNORE INTO bundle_signers (name, fingerprint, public_key, added, added_by) VALUES (@name, @fp, @pub, @added, @addedBy)",
            new { name, fp = SignerKeys.Fingerprint(subjectPublicKeyInfo), pub = Convert.ToBase64String(subjectPublicKeyInfo), added = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), addedBy }) == 1;
    }

    public bool Remove(string name)
    {
        using var c = _db.Connect();
        return c.Execute("DELETE FROM bundle_signers WHERE name = @name", new { name }) == 1;
    }

    public bool RequireSignature
    {
        get
        {
            using var c = _db.Connect();
            return c.ExecuteScalar<string?>("SELECT value FROM settings WHERE key = @key", new { key = RequireSignatureKey }) == "true";
        }
        set
        {
            using var c = _db.Connect();
            c.Execute("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                new { key = RequireSignatureKey, value = value ? "true" : "false" });
        }
    }

    private static TrustedSigner ToSigner(Row r) =>
        new(r.Name, r.Fingerprint, SignerKeys.ToPem(Convert.FromBase64String(r.PublicKey)),
            DateTimeOffset.Parse(r.Added, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), r.AddedBy);

    private sealed record Row
    {
        public string Name { get; init; } = "";
        public string Fingerprint { get; init; } = "";
        public string PublicKey { get; init; } = "";
        public string Added { get; init; } = "";
        public string AddedBy { get; init; } = "";
    }
}
