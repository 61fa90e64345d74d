using System.Text.RegularExpressions;
using Fulcrum.Tests;
using Fulcrum.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Fulcrum.BrowserTests.Infrastructure;

/// <summary>
/// One real fulcrum process (own data dir, real SQLite file) and one headless chromium, shared by the tests of a
/// class. Each test opens its own browser context, so cookies and sessions never leak between tests.
/// </summary>
public sealed partial class ConsoleFixture : IAsyncLifetime
{
    public const string AuditorPassword = "Auditor-Secret-42";
    public const string OperatorPassword = "Operator-Secret-42";

    private readonly TempDir _dir = new();
    private IPlaywright? _playwright;

    public ApplianceProcess Appliance { get; private set; } = null!;
    public ApiClient Admin { get; private set; } = null!;
    public IBrowser? Browser { get; private set; }
    public string BaseUrl => Appliance.BaseAddress.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Appliance = await ApplianceProcess.StartAsync(_dir.Path);
        Admin = Appliance.Client();
        await Admin.Post("/api/v1/users", $$"""{"name":"audrey","role":"auditor","password":"{{AuditorPassword}}"}""");
        await Admin.Post("/api/v1/users", $$"""{"name":"oscar","role":"operator","password":"{{OperatorPassword}}"}""");
        if (Chromium.MissingReason is not null)
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            // Playwright gives every launch a fresh, empty profile of its own (it refuses --user-data-dir here).
            Args = Chromium.Args,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        Admin.Dispose();
        await Appliance.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>A fresh page (own cookies) at the given viewport; requests that would leave the box fail the test.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        Chromium.Require();
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = BaseUrl,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var origin = new Uri(BaseUrl);
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" && (url.Host != origin.Host || url.Port != origin.Port))
            {
                OffBox.Add(request.Url);
            }
        };
        page.PageError += (_, error) => PageErrors.Add(error);
        return page;
    }

    /// <summary>Requests the console made to anywhere but the box (there must be none: no CDN fonts or scripts).</summary>
    public List<string> OffBox { get; } = [];

    /// <summary>Uncaught script errors in any page.</summary>
    public List<string> PageErrors { get; } = [];

    public async Task LoginAsync(IPage page, string user = "admin", string password = ApplianceProcess.AdminPassword)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByLabel("Password").PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-role]")).ToHaveTextAsync(new Regex("admin|operator|auditor"));
    }

    /// <summary>Saves a full-page PNG under TestResults/screenshots at the repository root (or FULCRUM_SCREENSHOTS).</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var dir = Environment.GetEnvironmentVariable("FULCRUM_SCREENSHOTS") is { Length: > 0 } d ? d : Path.Combine(RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, SafeName().Replace(name, "-") + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Fulcrum.slnx")))
            {
                return dir.FullName;
            }
        }
        return AppContext.BaseDirectory;
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
