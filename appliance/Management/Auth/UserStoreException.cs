using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>A refused user change, with every problem found (path: field name, message: what is wrong).</summary>
public sealed class UserStoreException : Exception
{
    public UserStoreException(UserStoreError error, IReadOnlyList<ConfigError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}")))
    {
        Error = error;
        Errors = errors;
    }

    public UserStoreException(UserStoreError error, string path, string message)
        : this(error, [new ConfigError(path, message)])
    {
    }

    public UserStoreError Error { get; }

    public IReadOnlyList<ConfigError> Errors { get; }
}
