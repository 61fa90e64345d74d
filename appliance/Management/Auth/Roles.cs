using System.Collections.Frozen;

namespace Fulcrum.Appliance.Management.Auth;

/// <summary>
/// The three roles. admin: everything. operator: reads everything but users, and changes pools, members, rules and
/// data groups. auditor: reads everything (users without secrets, the audit log), changes nothing.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string Auditor = "auditor";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Admin, Operator, Auditor);

    /// <summary>Kinds (API paths) an operator may change.</summary>
    public static readonly FrozenSet<string> OperatorWritableKinds = FrozenSet.Create(StringComparer.Ordinal, "pools", "rules", "datagroups");

    public static bool CanWrite(string role, string kindPath) =>
        role == Admin || (role == Operator && OperatorWritableKinds.Contains(kindPath));
}
