namespace Fulcrum.Appliance.DataPlane.Pipeline;

/// <summary>Stable names of <see cref="TerminationCause"/> for counters, /metrics labels and the access log.</summary>
public static class TerminationCauses
{
    public const int Count = (int)TerminationCause.ClientTls + 1;

    /// <summary>Kebab-case names, indexed by the enum value; these never change once shipped.</summary>
    public static readonly string[] Names =
    [
        "none", "client-timeout", "server-timeout", "client-closed", "server-closed", "connect-refused",
        "connect-timeout", "no-member", "client-parse-error", "server-parse-error", "resource", "internal", "member-down", "client-tls",
    ];

    /// <summary>HAProxy-style two-letter termination code for the access log (first letter: who, second: stage).</summary>
    public static readonly string[] Codes =
    [
        "--", "cT", "sT", "cD", "sD", "sC", "sC", "sN", "cR", "sH", "rR", "iI", "sK", "cS",
    ];

    public static string Name(TerminationCause cause) => Names[(int)cause];
}
