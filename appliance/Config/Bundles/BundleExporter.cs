using System.Globalization;
using Fulcrum.Appliance.Config.Bundles.Signing;
using Fulcrum.Appliance.Config.Store;

namespace Fulcrum.Appliance.Config.Bundles;

/// <summary>Exports the current or a kept generation as a bundle, signed with the box's key unless asked not to.</summary>
public sealed class BundleExporter
{
    private readonly ConfigService _config;
    private readonly ConfigStore _store;
    private readonly SigningKeyStore _keys;
    private readonly TimeProvider _time;

    public BundleExporter(ConfigService config, ConfigStore store, SigningKeyStore keys, TimeProvider time)
    {
        _config = config;
        _store = store;
        _keys = keys;
        _time = time;
    }

    public sealed record Exported(byte[] Bytes, long Generation, string FileName);

    public Exported Export(long? generation, string? passphrase, bool sign)
    {
        var stored = _config.Current;
        if (generation is { } n && n != stored.Info.Generation)
        {
            stored = _store.Get(n) ?? throw (_store.Info(n) is null
                ? new BundleException(BundleError.GenerationNotFound, $"generation {n} does not exist")
                : new BundleException(BundleError.GenerationGone, $"generation {n} is older than the last {ConfigStore.KeptWhole} generations kept whole; only its history line remains"));
        }
        var now = _time.GetUtcNow();
        using var signer = sign ? _keys.Private() : null;
        var bytes = BundleWriter.Write(stored.Config, stored.Info.Generation, passphrase, signer, Environment.MachineName, now);
        var host = new string([.. Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        var fileName = string.Create(CultureInfo.InvariantCulture, $"fulcrum-{host}-g{stored.Info.Generation}-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.zip");
        return new Exported(bytes, stored.Info.Generation, fileName);
    }
}
