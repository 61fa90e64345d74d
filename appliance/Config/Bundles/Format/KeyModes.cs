namespace Fulcrum.Appliance.Config.Bundles.Format;

/// <summary>Values of the manifest's <c>keys</c> field.</summary>
public static class KeyModes
{
    public const string Encrypted = "encrypted";
    public const string Omitted = "omitted";
    public const string None = "none";
}
