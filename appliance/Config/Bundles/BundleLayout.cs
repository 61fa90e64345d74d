namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>Where things live inside a bundle (format 1).</summary>
public static class BundleLayout
{
    public const string Manifest = "manifest.json";
    public const string Signature = "manifest.sig";

    /// <summary><c>objects/pools.json</c>, <c>objects/profiles/http.json</c>: a JSON array of the kind's objects.</summary>
    public static string Objects(ConfigKind kind) => $"objects/{kind.Path}.json";

    /// <summary>A rule's source; its other fields are in <c>objects/rules.json</c>.</summary>
    public static string Rule(string name) => $"rules/{name}.js";

    /// <summary>A certificate's PEM (with chain); its other fields are in <c>objects/certificates.json</c>.</summary>
    public static string Certificate(string name) => $"certificates/{name}.pem";

    /// <summary>A certificate's private key, encrypted (<see cref="Crypto.KeyCipher"/>).</summary>
    public static string Key(string name) => $"keys/{name}.key";

    /// <summary>
    /// True for a relative path of safe segments (letters, digits, <c>_ . -</c>), none empty, <c>.</c> or
    /// <c>..</c>: no absolute paths, no backslashes, no drive letters, nothing that climbs out of a directory.
    /// </summary>
    public static bool IsSafe(string path)
    {
        if (path.Length is 0 or > 512)
        {
            return false;
        }
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.Contains("..", StringComparison.Ordinal))
            {
                return false;
            }
            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
