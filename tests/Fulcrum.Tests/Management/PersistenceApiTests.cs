using System.Net;
using Fulcrum.Tests.Infrastructure;

namespace Fulcrum.Tests.Management;

/// <summary><c>/api/v1/persistence</c> through the real process (records themselves come from the data plane).</summary>
public sealed class PersistenceApiTests(ApplianceFixture fixture) : IClassFixture<ApplianceFixture>
{
    [Fact]
    public async Task Get_NoRecords_EmptyArray()
    {
        var r = await fixture.Admin.Get("/api/v1/persistence?virtual=www&pool=web");
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal("[]", r.Text);
    }

    [Fact]
    public async Task Delete_WithFilters_NoContent()
    {
        var r = await fixture.Admin.Delete("/api/v1/persistence?key=192.0.2.0");
        Assert.Equal(HttpStatusCode.NoContent, r.Status);
    }

    [Fact]
    public async Task Get_Anonymous_Unauthorized()
    {
        using var anonymous = new ApiClient(fixture.Appliance.BaseAddress, null, null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Get("/api/v1/persistence")).Status);
    }

    [Fact]
    public async Task Get_FilterTooLong_Problem()
    {
        var r = await fixture.Admin.Get("/api/v1/persistence?key=" + new string('k', 2000));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.True(r.IsProblem);
    }
}
