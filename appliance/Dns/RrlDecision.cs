namespace Fulcrum.Appliance.Dns;

/// <summary>What response rate limiting does with one UDP response.</summary>
public enum RrlDecision
{
    Send,
    /// <summary>Over the limit: send an empty truncated response (TC) instead, so a real client retries over TCP.</summary>
    Slip,
    /// <summary>Over the limit: send nothing.</summary>
    Drop,
}
