using Dapper;
using Microsoft.Data.Sqlite;

namespace Fulcrum.Appliance.Config.Store.Migrations;

/// <summary>Generations (whole configs), the audit log, users and login sessions.</summary>
internal sealed class M001_Initial : IMigration
{
    public int Number => 1;
    public string Name => "initial";

    public void Apply(SqliteConnection connection, SqliteTransaction transaction) => connection.Execute("""
        CREATE TABLE generations (
            number   INTEGER PRIMARY KEY,
            created  TEXT    NOT NULL,   -- UTC, ISO 8601 round-trip form
            user     TEXT    NOT NULL,
            summary  TEXT    NOT NULL,
            config   TEXT    NULL,       -- whole config as JSON; NULL once older than the kept window
            sha256   TEXT    NOT NULL
        );
        CREATE TABLE audit (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            time       TEXT    NOT NULL,
            user       TEXT    NOT NULL,
            address    TEXT    NOT NULL,
            method     TEXT    NOT NULL,
            path       TEXT    NOT NULL,
            status     INTEGER NOT NULL,
            generation INTEGER NULL,
            summary    TEXT    NOT NULL
        );
        CREATE TABLE users (
            name          TEXT PRIMARY KEY,
            role          TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            description   TEXT NULL,
            created       TEXT NOT NULL,
            updated       TEXT NOT NULL
        );
        CREATE TABLE sessions (
            id_hash  TEXT PRIMARY KEY,   -- SHA-256 of the token; the token itself is never stored
            user     TEXT NOT NULL,
            kind     TEXT NOT NULL,      -- 'bearer' or 'cookie'
            csrf     TEXT NULL,
            created  TEXT NOT NULL,
            expires  TEXT NOT NULL
        );
        CREATE INDEX sessions_user ON sessions(user);
        """, transaction: transaction);
}
