using System.Security.Cryptography;
using Dapper;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Config.Bundles.Signing;

/// <summary>
/// The box's own ECDSA P-256 key for signing bundles, made on first use and kept in the store (so it moves with a
/// backup of the data dir, and nowhere else), sealed with the store's box key (M004).
/// </summary>
public sealed class SigningKeyStore
{
    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    public SigningKeyStore(SqliteDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>The public half: SubjectPublicKeyInfo DER and its fingerprint.</summary>
    public (byte[] PublicKey, string Fingerprint) Public()
    {
        var row = GetOrCreate();
        return (Convert.FromBase64String(row.PublicKey), row.Fingerprint);
    }

    /// <summary>The signing key; the caller disposes it.</summary>
    public ECDsa Private()
    {
        var stored = GetOrCreate().PrivateKey;
        var key = ECDsa.Create();
        key.ImportFromPem(KeyBox.IsSealed(stored) ? _db.Box.Open(KeyBox.BundleSigningKey, stored) : stored);
        return key;
    }

    private Row GetOrCreate()
    {
        using var c = _db.Connect();
        var row = c.QuerySingleOrDefault<Row>("SELECT private_key AS PrivateKey, public_key AS PublicKey, fingerprint AS Fingerprint FROM signing_key WHERE id = 1");
        if (row is not null)
        {
            return row;
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        // Two first uses at once: the first insert wins and both read it back.
        c.Execute(
            "INSERT OR IGNORE INTO signing_key (id, private_key, public_key, fingerprint, created) VALUES (1, @priv, @pub, @fp, @created)",
            new { priv = _db.Box.Seal(KeyBox.BundleSigningKey, key.ExportPkcs8PrivateKeyPem()), pub = Convert.ToBase64String(spki), fp = SignerKeys.Fingerprint(spki), created = _time.GetUtcNow().UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
        return c.QuerySingle<Row>("SELECT private_key AS PrivateKey, public_key AS PublicKey, fingerprint AS Fingerprint FROM signing_key WHERE id = 1");
    }

    private sealed record Row
    {
        public string PrivateKey { get; init; } = "";
        public string PublicKey { get; init; } = "";
        public string Fingerprint { get; init; } = "";
    }
}
