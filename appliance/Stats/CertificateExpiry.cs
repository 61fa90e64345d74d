using Fulcrum.Appliance.Config.Certificates;
using Fulcrum.Appliance.Config.Runtime;

namespace Fulcrum.Appliance.Stats;

/// <summary>
/// When each certificate of the running config ends, and whether that is within <see cref="CertificateFacts.ExpiryWarning"/>
/// (or past): a <c>certificates</c> section of the status report, and two gauges per certificate in <c>/metrics</c>.
/// </summary>
public sealed class CertificateExpiry : IStatusSource
{
    private readonly RuntimeModel _runtime;
    private readonly TimeProvider _time;

    public CertificateExpiry(RuntimeModel runtime, TimeProvider time)
    {
        _runtime = runtime;
        _time = time;
    }

    public void Fill(ApplianceStatus status) => status.Certificates = Current();

    public List<CertificateStatus> Current()
    {
        var now = _time.GetUtcNow();
        var result = new List<CertificateStatus>();
        foreach (var c in _runtime.Current.Config.Certificates)
        {
            if (CertificateFacts.Of(c) is not { } facts)
            {
                continue;
            }
            result.Add(new CertificateStatus
            {
                Name = c.Name,
                NotAfter = facts.NotAfter,
                DaysLeft = facts.DaysLeft(now),
                Expiring = facts.Expiring(now),
            });
        }
        return result;
    }

    public void Write(PrometheusText text)
    {
        var now = _time.GetUtcNow();
        var rows = _runtime.Current.Config.Certificates
            .Select(c => (c.Name, Facts: CertificateFacts.Of(c)))
            .Where(c => c.Facts is not null)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        text.Family("fulcrum_certificate_expiry_seconds", "gauge", "Seconds until the certificate's notAfter (negative once expired).");
        foreach (var (name, facts) in rows)
        {
            text.Sample("fulcrum_certificate_expiry_seconds", (long)Math.Floor((facts!.NotAfter - now).TotalSeconds), ("certificate", name));
        }
        text.Family("fulcrum_certificate_expiring", "gauge", "1 when the certificate expires within 30 days or has expired, else 0.");
        foreach (var (name, facts) in rows)
        {
            text.Sample("fulcrum_certificate_expiring", facts!.Expiring(now) ? 1 : 0, ("certificate", name));
        }
    }
}
