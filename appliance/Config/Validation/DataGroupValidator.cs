using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Validation;

internal sealed class DataGroupValidator : IConfigValidator
{
    public const int MaxRecords = StringLimits.DataGroupRecords;

    public void Validate(ValidationContext context)
    {
        foreach (var g in context.Config.DataGroups)
        {
            var path = $"datagroups/{g.Name}";
            context.OneOf(path, "type", g.Type, DataGroupTypes.All);
            if (g.Records.Count > MaxRecords)
            {
                context.Add($"{path}/records", $"a data group may have at most {MaxRecords} records");
                continue;
            }
            long chars = 0;
            foreach (var (key, value) in g.Records)
            {
                chars += key.Length + (value?.Length ?? 0);
            }
            if (chars > StringLimits.DataGroupChars)
            {
                context.Add($"{path}/records", $"a data group's keys and values may have at most {StringLimits.DataGroupChars} characters together, not {chars}");
                continue;
            }
            var bad = 0;
            foreach (var (key, value) in g.Records)
            {
                string? problem = null;
                if (key.Length is 0 or > StringLimits.DataGroupKey)
                {
                    problem = $"keys must have 1 to {StringLimits.DataGroupKey} characters";
                }
                else if (key.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || key.Contains('\x7f', StringComparison.Ordinal))
                {
                    problem = "keys may not contain control characters (CR, LF, NUL, …)";
                }
                else if (g.Type == DataGroupTypes.Address && !AddressSyntax.IsCidr(key))
                {
                    problem = $"'{key}' is not an address or CIDR prefix";
                }
                else if (g.Type == DataGroupTypes.Integer && !long.TryParse(key, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    problem = $"'{key}' is not an integer";
                }
                else if (value is null)
                {
                    // Nullable annotations do not reach dictionary values, so JSON null arrives here.
                    problem = "a record's value may not be null; use \"\" for none";
                }
                else if (value.Length > StringLimits.DataGroupValue)
                {
                    problem = $"values may have at most {StringLimits.DataGroupValue} characters";
                }
                else if (value.Contains('\0', StringComparison.Ordinal))
                {
                    problem = "values may not contain NUL";
                }
                if (problem is not null && bad++ < 20)
                {
                    context.Add($"{path}/records/{(key.Length > 64 ? key[..64] + "…" : key)}", problem);
                }
            }
        }
    }
}
