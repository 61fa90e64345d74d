namespace Fulcrum.Appliance.Stats;

/// <summary>A part of the appliance (listeners, monitors, rules) that adds its live state to a status report.</summary>
public interface IStatusSource
{
    void Fill(ApplianceStatus status);
}
