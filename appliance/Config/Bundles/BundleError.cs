namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// Why a bundle was refused, named by the stage that caught it. Each maps to one HTTP status and a stable
/// <c>reason</c> token in the problem document (<see cref="BundleErrors"/>); the CLI prints the same message.
/// </summary>
public enum BundleError
{
    /// <summary>400: the file is not a readable zip archive (cut short, or not a zip at all).</summary>
    Truncated,
    /// <summary>400: an entry's compressed data is damaged (CRC mismatch, bad deflate stream).</summary>
    CorruptEntry,
    /// <summary>413: the upload itself is larger than the endpoint accepts.</summary>
    TooLarge,
    /// <summary>400: more entries than <see cref="BundleLimits.MaxEntries"/>.</summary>
    TooManyEntries,
    /// <summary>400: the entries inflate to more than the total or per-entry limit (counted while inflating).</summary>
    UncompressedTooLarge,
    /// <summary>400: an entry inflates far beyond its compressed size: a zip bomb.</summary>
    CompressionRatio,
    /// <summary>400: an entry name is absolute, climbs out with <c>..</c>, or uses characters bundles never write.</summary>
    UnsafePath,
    /// <summary>400: two entries have the same name, so which one counts would be ambiguous.</summary>
    DuplicateEntry,
    /// <summary>
    /// 400: an entry's local file header disagrees with its central directory record (another name, method or
    /// size), or the zip's records cannot be walked: tools that read the local headers would see other files.
    /// </summary>
    HeaderMismatch,
    /// <summary>400: no <c>manifest.json</c>.</summary>
    MissingManifest,
    /// <summary>400: the manifest is not the expected JSON shape.</summary>
    InvalidManifest,
    /// <summary>400: the bundle's format version is newer than this fulcrum reads.</summary>
    NewerFormat,
    /// <summary>400: a file's SHA-256 differs from the manifest's.</summary>
    ChecksumMismatch,
    /// <summary>400: a file the manifest lists is missing.</summary>
    MissingFile,
    /// <summary>400: a file the manifest does not list was added.</summary>
    UnlistedFile,
    /// <summary>400: an object file is not valid JSON or not the shape of its kind.</summary>
    InvalidJson,
    /// <summary>400: the bundle names a built-in object, which every box already has and bundles never carry.</summary>
    BuiltInObject,
    /// <summary>400: the manifest's signature does not verify: the manifest or signature was altered.</summary>
    BadSignature,
    /// <summary>403: this box accepts only signed bundles and this one is not signed.</summary>
    SignatureRequired,
    /// <summary>403: the bundle is signed, but not by a signer this box trusts, and signatures are required.</summary>
    UntrustedSigner,
    /// <summary>400: the bundle holds encrypted keys and no passphrase was given.</summary>
    PassphraseRequired,
    /// <summary>400: the passphrase does not decrypt the keys.</summary>
    WrongPassphrase,
    /// <summary>422: the resulting configuration is invalid (missing references, rules that do not compile, …); every problem is listed.</summary>
    InvalidConfig,
    /// <summary>404: the generation asked for does not exist.</summary>
    GenerationNotFound,
    /// <summary>410: the generation asked for is no longer kept whole.</summary>
    GenerationGone,
}
