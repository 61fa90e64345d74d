namespace Fulcrum.Appliance.Management;

/// <summary>What an endpoint tells the audit middleware about the change it made.</summary>
public sealed record AuditNote(long? Generation, string Summary);
