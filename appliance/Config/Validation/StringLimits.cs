using Fulcrum.Scripting.Compilation;

namespace Fulcrum.Appliance.Config.Validation;

/// <summary>
/// The longest value each string field may hold (in UTF-16 characters), so no field can grow the store or the
/// runtime without bound. Documented in docs/MANAGEMENT-API.md ("Limits"); a longer value is refused with 422.
/// </summary>
public static class StringLimits
{
    public const int Name = NameRules.MaxLength;
    public const int Description = 4096;
    public const int RuleSource = RuleCompiler.MaxSourceLength;
    public const int Pem = 256 * 1024;
    public const int Key = 64 * 1024;
    public const int MonitorSend = 64 * 1024;
    public const int MonitorPattern = 16 * 1024;
    public const int ExternalProgram = 4096;
    public const int ExternalArgument = 4096;
    public const int DataGroupKey = 4096;
    public const int DataGroupValue = 64 * 1024;
    public const int DataGroupRecords = 1_000_000;
    /// <summary>All keys and values of one data group together.</summary>
    public const int DataGroupChars = 32 * 1024 * 1024;
    /// <summary>Every other string: addresses, enumerations, references, header values, log formats.</summary>
    public const int Default = 1024;

    /// <summary>The limit of a field by its JSON name (the last path segment that is not a list index).</summary>
    public static int For(string field) => field switch
    {
        "description" => Description,
        "source" => RuleSource,
        "pem" => Pem,
        "key" => Key,
        "send" => MonitorSend,
        "receive" or "receiveDisable" => MonitorPattern,
        "program" => ExternalProgram,
        "arguments" => ExternalArgument,
        _ => Default,
    };

    /// <summary>
    /// Fields that are text of several lines (free text, code, PEM, a monitor's raw send string and patterns): only
    /// NUL is refused in them. Every other string is one line and refuses every control character.
    /// </summary>
    public static bool IsMultiLine(string field) => field is "description" or "source" or "pem" or "key" or "send" or "receive" or "receiveDisable";
}
