namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Syntax of the key a hash method or hash persistence reads: <c>source-address | uri | path | rule | header:NAME | cookie:NAME</c>.</summary>
public static class HashKeys
{
    public static bool IsValid(string key) =>
        key is "source-address" or "uri" or "path" or "rule"
        || (key.StartsWith("header:", StringComparison.Ordinal) && HeaderGrammar.IsToken(key.AsSpan("header:".Length)))
        || (key.StartsWith("cookie:", StringComparison.Ordinal) && HeaderGrammar.IsToken(key.AsSpan("cookie:".Length)));
}
