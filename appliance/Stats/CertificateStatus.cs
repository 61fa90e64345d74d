namespace Fulcrum.Appliance.Stats;

/// <summary>One certificate's end of validity in the status report; <see cref="Expiring"/> within 30 days or expired.</summary>
public sealed class CertificateStatus
{
    public required string Name { get; set; }
    public DateTimeOffset NotAfter { get; set; }
    /// <summary>Whole days left; negative once expired.</summary>
    public int DaysLeft { get; set; }
    public bool Expiring { get; set; }
}
