using Dapper;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store.Migrations;

/// <summary>The box's bundle signing key, the signers whose bundles it trusts, and appliance settings.</summary>
internal sealed class M002_BundleSigning : IMigration
{
    public int Number => 2;
    public string Name => "bundle signing";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) => connection.Execute("""
        CREATE TABLE signing_key (
            id          INTEGER PRIMARY KEY CHECK (id = 1),   -- one key per box
            private_key TEXT NOT NULL,                        -- PKCS#8 PEM, ECDSA P-256
            public_key  TEXT NOT NULL,                        -- SubjectPublicKeyInfo, base64 DER
            fingerprint TEXT NOT NULL,                        -- SHA-256 of the public key, hex
            created     TEXT NOT NULL
        );
        CREATE TABLE bundle_signers (
            name        TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL UNIQUE,
            public_key  TEXT NOT NULL,                        -- SubjectPublicKeyInfo, base64 DER
            added       TEXT NOT NULL,
            added_by    TEXT NOT NULL
        );
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """, transaction: transaction);
}
