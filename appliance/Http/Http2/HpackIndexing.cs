namespace Fulcrum.Appliance.Http.Http2;

/// <summary>How the encoder writes a field that is not already in a table as a whole (RFC 7541 §6.2).</summary>
public enum HpackIndexing : byte
{
    /// <summary>Literal with incremental indexing: added to both sides' dynamic tables.</summary>
    Incremental = 0,

    /// <summary>Literal without indexing: tables unchanged, an intermediary may index it.</summary>
    WithoutIndexing,

    /// <summary>Literal never indexed: no intermediary may index it (credentials, cookies worth protecting).</summary>
    NeverIndexed,
}
