namespace Fulcrum.Appliance.Config.Store;

/// <summary>One management call that changed something: who, when, what, from where, and the generation it made.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset Time, string User, string Address, string Method, string Path, int Status, long? Generation, string Summary);
