namespace Fulcrum.Appliance.Config.Validation;

/// <summary>Every object has a valid name, unique within its kind; profile names are unique across profile kinds.</summary>
internal sealed class NamesValidator : IConfigValidator
{
    public void Validate(ValidationContext context)
    {
        var profileNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in ConfigKinds.All)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var isProfile = kind.Path.StartsWith("profiles/", StringComparison.Ordinal);
            foreach (var o in kind.List(context.Config))
            {
                var problem = NameRules.Problem(o.Name);
                var shown = problem is null ? o.Name : "(invalid)";
                if (problem is not null)
                {
                    context.Add($"{kind.Path}/{shown}/name", problem);
                    continue;
                }
                if (!seen.Add(o.Name))
                {
                    context.Add($"{kind.Path}/{o.Name}/name", $"two {kind.Singular} objects are named '{o.Name}'");
                }
                if (isProfile)
                {
                    if (profileNames.TryGetValue(o.Name, out var other) && other != kind.Path)
                    {
                        context.Add($"{kind.Path}/{o.Name}/name", $"profile name '{o.Name}' is already used by a {other["profiles/".Length..]} profile; profile names are unique across kinds");
                    }
                    profileNames.TryAdd(o.Name, kind.Path);
                }
            }
        }
    }
}
