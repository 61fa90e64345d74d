using Fulcrum.Scripting.Contracts;

namespace Fulcrum.Tests.Scripting;

/// <summary>
/// A data group whose lookups block for a set time without using CPU, as a provider waiting on something would: a rule
/// calling it spends wall-clock time that is not its own CPU time.
/// </summary>
internal sealed class SlowDataGroup(string name, TimeSpan delay) : IRuleDataGroup, IDataGroupProvider
{
    public string Name => name;

    public IRuleDataGroup? Find(string n) => n == name ? this : null;

    public bool Match(string key)
    {
        Thread.Sleep(delay);
        return key.Length > 0;
    }

    public bool StartsWith(string s) => Match(s);

    public bool EndsWith(string s) => Match(s);

    public bool Contains(string s) => Match(s);

    public string? Value(string key) => Match(key) ? key : null;
}
