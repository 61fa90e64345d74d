using Fulcrum.Appliance.Config.Bundles.Signing;

namespace Fulcrum.Appliance.Config.Bundles;

public static class BundleServiceCollectionExtensions
{
    /// <summary>Bundle export and import, with the box's signing key and its trusted signers.</summary>
    public static IServiceCollection AddFulcrumBundles(this IServiceCollection services)
    {
        services.AddSingleton<SigningKeyStore>();
        services.AddSingleton<TrustedSignerStore>();
        services.AddSingleton<BundleExporter>();
        services.AddSingleton<BundleImporter>();
        return services;
    }
}
