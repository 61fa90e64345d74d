using Fulcrum.Appliance.Config.Bundles.Signing;
using Fulcrum.Appliance.Config.Diff;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>
/// Imports bundles through the control plane's single writer: reads and checks the bundle, applies the signature
/// policy, builds the resulting config (replace or merge), diffs and validates it, and commits it as one generation
/// with <see cref="ConfigService.ReplaceAsync(System.Func{FulcrumConfig, FulcrumConfig}, string, string, System.Threading.CancellationToken)"/>.
/// The API and the offline CLI both use this, so they agree on every diff and every refusal.
/// </summary>
public sealed class BundleImporter
{
    private readonly ConfigService _config;
    private readonly ConfigEditor _editor;
    private readonly TrustedSignerStore _signers;

    public BundleImporter(ConfigService config, ConfigEditor editor, TrustedSignerStore signers)
    {
        _config = config;
        _editor = editor;
        _signers = signers;
    }

    /// <summary>Reads the bundle and plans its import against the current config; throws <see cref="BundleException"/> for a bad bundle.</summary>
    public BundlePlan Plan(ReadOnlyMemory<byte> bundle, string? passphrase, ImportMode mode, BundleLimits? limits = null)
    {
        // A dry run previews a replace unless the caller asks to preview a merge.
        mode = mode == ImportMode.DryRun ? ImportMode.Replace : mode;
        var contents = BundleReader.Read(bundle, passphrase, limits);
        var signature = CheckSignature(contents);
        var current = _config.Current;
        var target = Build(current.Config, contents, mode);
        return new BundlePlan(contents, mode, current.Info.Generation, target, ConfigDiffer.Compare(current.Config, target), _editor.Validate(target), signature);
    }

    /// <summary>
    /// Commits a valid plan (not a dry run). The target is rebuilt from the config current at commit time, under the
    /// writer lock, so a change made since the plan is merged, never lost; the returned plan describes what was applied.
    /// </summary>
    public async Task<(BundlePlan Plan, ChangeResult Result)> ApplyAsync(BundlePlan plan, string user, CancellationToken cancellationToken = default)
    {
        var applied = plan;
        var summary = $"bundle {plan.Mode.ToString().ToLowerInvariant()} from {plan.Bundle.Manifest.SourceHost} generation {plan.Bundle.Manifest.Generation}";
        var result = await _config.ReplaceAsync(current =>
        {
            var target = Build(current, plan.Bundle, plan.Mode);
            applied = plan with { Target = target, Diff = ConfigDiffer.Compare(current, target) };
            return target;
        }, user, summary, cancellationToken).ConfigureAwait(false);
        return (applied with { Errors = result.Errors }, result);
    }

    private SignatureCheck CheckSignature(BundleContents contents)
    {
        var required = _signers.RequireSignature;
        if (contents.Signer is null)
        {
            return required
                ? throw new BundleException(BundleError.SignatureRequired, "this box accepts only bundles signed by a trusted signer, and this bundle is not signed")
                : new SignatureCheck(false, null, null, false, required);
        }
        var trusted = _signers.FindByFingerprint(contents.Signer.Fingerprint);
        if (trusted is null && required)
        {
            throw new BundleException(BundleError.UntrustedSigner,
                $"the bundle is signed by key {contents.Signer.Fingerprint}, which is not among this box's trusted signers (POST /api/v1/bundle/signers)");
        }
        return new SignatureCheck(true, contents.Signer.Fingerprint, trusted?.Name, trusted is not null, required);
    }

    /// <summary>
    /// The config an import makes from <paramref name="current"/>. A certificate whose key the bundle left out (no
    /// passphrase at export) keeps the key this box has for it when the certificate itself is unchanged.
    /// </summary>
    public static FulcrumConfig Build(FulcrumConfig current, BundleContents bundle, ImportMode mode)
    {
        var result = mode == ImportMode.Merge ? current : BuiltIns.Apply(new FulcrumConfig());
        foreach (var kind in ConfigKinds.All)
        {
            foreach (var o in kind.List(bundle.Objects))
            {
                var value = o;
                if (o is Certificate { Key: null } cert && bundle.Manifest.OmittedKeys.Contains(cert.Name)
                    && ConfigKinds.Certificates.Find(current, cert.Name) is Certificate { Key: not null } mine && mine.Pem == cert.Pem)
                {
                    value = cert with { Key = mine.Key };
                }
                result = kind.Upsert(result, value);
            }
        }
        return result;
    }
}
