using System.Globalization;
using System.Net;
using System.Text.Json;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary>A certificate ending within 30 days is flagged in /api/v1/status and /metrics; one with 300 days left is not.</summary>
public sealed class CertificateExpiryTests : IClassFixture<ApplianceFixture>
{
    private readonly ApiClient _api;

    public CertificateExpiryTests(ApplianceFixture fixture)
    {
        _api = fixture.Admin;
    }

    private async Task CreateAsync(string name, double days)
    {
        var leaf = TestPki.Leaf($"{name}.example.test", days: days);
        var r = await _api.Post("/api/v1/certificates", JsonSerializer.Serialize(new { name, pem = leaf.Pem, key = leaf.KeyPem }));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
    }

    [Fact]
    public async Task Status_AndMetrics_FlagTheCertificateEndingIn10Days_NotTheOneIn300()
    {
        await CreateAsync("soon", 10);
        await CreateAsync("later", 300);

        var status = (await _api.Get("/api/v1/status")).Json.GetProperty("certificates").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.True(status["soon"].GetProperty("expiring").GetBoolean());
        Assert.InRange(status["soon"].GetProperty("daysLeft").GetInt32(), 9, 10);
        Assert.False(status["later"].GetProperty("expiring").GetBoolean());
        Assert.InRange(status["later"].GetProperty("daysLeft").GetInt32(), 299, 300);
        Assert.True(status["soon"].GetProperty("notAfter").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(9));

        var metrics = (await _api.Get("/metrics")).Text.Split('\n');
        Assert.Contains("fulcrum_certificate_expiring{certificate=\"soon\"} 1", metrics);
        Assert.Contains("fulcrum_certificate_expiring{certificate=\"later\"} 0", metrics);
        var seconds = long.Parse(metrics.Single(l => l.StartsWith("fulcrum_certificate_expiry_seconds{certificate=\"soon\"}", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 9 * 86400, 10 * 86400);

        var view = (await _api.Get("/api/v1/certificates/soon")).Json;
        Assert.Contains("expires on", view.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
    }
}
