namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// Object names appear in URL paths, file names inside bundles and log lines, so they are kept to a safe alphabet:
/// letters, digits, <c>_ . -</c>, starting with a letter, digit or underscore, never containing <c>..</c>.
/// </summary>
public static class NameRules
{
    public const int MaxLength = 128;

    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a name is required";
        }
        if (name.Length > MaxLength)
        {
            return $"a name may have at most {MaxLength} characters, not {name.Length}";
        }
        if (!(char.IsAsciiLetterOrDigit(name[0]) || name[0] == '_'))
        {
            return $"a name must start with a letter, digit or '_'";
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return $"a name may contain only letters, digits, '_', '.' and '-'";
            }
        }
        if (name.Contains("..", StringComparison.Ordinal))
        {
            return "a name may not contain '..'";
        }
        return null;
    }
}
