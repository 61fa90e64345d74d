namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>Status, title and the kebab-case <c>reason</c> token of each <see cref="BundleError"/>.</summary>
public static class BundleErrors
{
    public static int Status(BundleError error) => error switch
    {
        BundleError.TooLarge => 413,
        BundleError.SignatureRequired or BundleError.UntrustedSigner => 403,
        BundleError.InvalidConfig => 422,
        BundleError.GenerationNotFound => 404,
        BundleError.GenerationGone => 410,
        _ => 400,
    };

    public static string Title(BundleError error) => error switch
    {
        BundleError.TooLarge => "Bundle too large",
        BundleError.SignatureRequired or BundleError.UntrustedSigner or BundleError.BadSignature => "Bundle signature refused",
        BundleError.PassphraseRequired or BundleError.WrongPassphrase => "Bundle passphrase refused",
        BundleError.InvalidConfig => "Configuration refused",
        BundleError.GenerationNotFound => "Not found",
        BundleError.GenerationGone => "Gone",
        _ => "Bundle refused",
    };

    /// <summary><c>ChecksumMismatch</c> → <c>checksum-mismatch</c>.</summary>
    public static string Reason(BundleError error)
    {
        var name = error.ToString();
        var text = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}
