using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Microsoft.Extensions.Logging;

namespace Fulcrum.Appliance.Config;

/// <summary>
/// The control plane's single writer of configuration. Changes are serialized, applied in memory, validated once,
/// committed as one generation, and then published as a new runtime snapshot. Readers use <see cref="Current"/>
/// without locking.
/// </summary>
public sealed class ConfigService
{
    private readonly ConfigStore _store;
    private readonly ConfigEditor _editor;
    private readonly RuntimeModel _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger<ConfigService> _logger;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile StoredGeneration _current;

    public ConfigService(ConfigStore store, ConfigEditor editor, RuntimeModel runtime, TimeProvider time, ILogger<ConfigService> logger)
    {
        _store = store;
        _editor = editor;
        _runtime = runtime;
        _time = time;
        _logger = logger;
        _current = new StoredGeneration(new GenerationInfo(0, DateTimeOffset.MinValue, "", "", true, ""), FulcrumConfig.Default);
    }

    /// <summary>The committed configuration and its generation.</summary>
    public StoredGeneration Current => _current;

    public RuntimeModel Runtime => _runtime;

    /// <summary>Loads the newest generation, or writes generation 1 with the built-ins on a new store, and publishes it.</summary>
    public void Initialize(string storePath)
    {
        var latest = _store.Latest();
        if (latest is null)
        {
            var info = _store.Commit(FulcrumConfig.Default, 0, "system", "initial configuration", _time.GetUtcNow());
            latest = new StoredGeneration(info, FulcrumConfig.Default);
            ConfigLog.InitialCreated(_logger, info.Generation);
        }
        else
        {
            ConfigLog.Loaded(_logger, latest.Info.Generation, storePath);
            var errors = _editor.Validate(latest.Config);
            if (errors.Count > 0)
            {
                ConfigLog.StoredInvalid(_logger, latest.Info.Generation, errors.Count, $"{errors[0].Path}: {errors[0].Message}");
            }
        }
        Publish(latest);
    }

    /// <summary>Validates a list of changes against the current config without committing anything.</summary>
    public EditResult DryRun(IReadOnlyList<ConfigChange> changes) => _editor.Apply(_current.Config, changes);

    public Task<ChangeResult> ApplyAsync(IReadOnlyList<ConfigChange> changes, string user, CancellationToken cancellationToken = default) =>
        ApplyAsync(_ => (changes, null), user, cancellationToken);

    /// <summary>
    /// Builds the changes from the current config while holding the writer lock, so read-modify-write edits
    /// (one pool member, say) never lose a concurrent change. The builder returns null changes and a refusal to stop.
    /// </summary>
    public async Task<ChangeResult> ApplyAsync(Func<FulcrumConfig, (IReadOnlyList<ConfigChange>? Changes, ChangeResult? Refusal)> build, string user, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _current;
            var (changes, refusal) = build(current.Config);
            if (changes is null)
            {
                return refusal!;
            }
            var edit = _editor.Apply(current.Config, changes);
            if (!edit.Succeeded)
            {
                ConfigLog.Refused(_logger, user, edit.Errors.Count, edit.Errors.Count > 0 ? $"{edit.Errors[0].Path}: {edit.Errors[0].Message}" : "");
                return new ChangeResult(null, edit.Failure, edit.Errors);
            }
            return Commit(current, edit.Config!, user, edit.Summary);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Makes the config of an earlier generation current again, as a new generation.</summary>
    public async Task<ChangeResult> RollbackAsync(long target, string user, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _current;
            var stored = _store.Get(target);
            if (stored is null)
            {
                var info = _store.Info(target);
                var message = info is null
                    ? $"generation {target} does not exist"
                    : $"generation {target} is older than the last {ConfigStore.KeptWhole} generations kept whole; only its history line remains";
                return new ChangeResult(null, EditFailure.NotFound, [new ConfigError($"generations/{target}", message)]);
            }
            var errors = _editor.Validate(stored.Config);
            if (errors.Count > 0)
            {
                return new ChangeResult(null, EditFailure.None, errors);
            }
            var result = Commit(current, stored.Config, user, $"rollback to generation {target}");
            ConfigLog.RolledBack(_logger, target, user, result.Generation!.Generation);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Replaces the whole configuration (bundle import) after validating it.</summary>
    public async Task<ChangeResult> ReplaceAsync(FulcrumConfig config, string user, string summary, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var errors = _editor.Validate(config);
            if (errors.Count > 0)
            {
                return new ChangeResult(null, EditFailure.None, errors);
            }
            return Commit(_current, config, user, summary);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Replaces the whole configuration with one built from the current config while holding the writer lock (bundle
    /// merge and replace), after validating it.
    /// </summary>
    public async Task<ChangeResult> ReplaceAsync(Func<FulcrumConfig, FulcrumConfig> build, string user, string summary, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _current;
            var config = build(current.Config);
            var errors = _editor.Validate(config);
            if (errors.Count > 0)
            {
                ConfigLog.Refused(_logger, user, errors.Count, $"{errors[0].Path}: {errors[0].Message}");
                return new ChangeResult(null, EditFailure.None, errors);
            }
            return Commit(current, config, user, summary);
        }
        finally
        {
            _writer.Release();
        }
    }

    private ChangeResult Commit(StoredGeneration current, FulcrumConfig config, string user, string summary)
    {
        var info = _store.Commit(config, current.Info.Generation, user, summary, _time.GetUtcNow());
        Publish(new StoredGeneration(info, config));
        ConfigLog.Committed(_logger, info.Generation, user, summary);
        return new ChangeResult(info, EditFailure.None, []);
    }

    private void Publish(StoredGeneration generation)
    {
        _current = generation;
        _runtime.Publish(RuntimeCompiler.Compile(generation.Info.Generation, generation.Config));
    }
}
