namespace Fulcrum.Tests.Infrastructure;

/// <summary>One running appliance with its own data dir, shared by the tests of a class.</summary>
public sealed class ApplianceFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public ApplianceProcess Appliance { get; private set; } = null!;

    public ApiClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Appliance = await ApplianceProcess.StartAsync(_dir.Path);
        Admin = Appliance.Client();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Appliance.DisposeAsync();
        _dir.Dispose();
    }
}
