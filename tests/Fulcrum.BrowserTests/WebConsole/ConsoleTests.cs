using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fulcrum.BrowserTests.Infrastructure;
using Fulcrum.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Fulcrum.BrowserTests.WebConsole;

/// <summary>The console driven as a user drives it: headless chromium against the real appliance process.</summary>
public sealed class ConsoleTests : IClassFixture<ConsoleFixture>
{
    private readonly ConsoleFixture _box;

    public ConsoleTests(ConsoleFixture box)
    {
        _box = box;
    }

    [SkippableFact]
    public async Task Login_WrongPasswordIsRefused_ThenLogsInAndShowsRole_AndLogsOut()
    {
        var page = await _box.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in to the console" })).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(page, "login");

        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("#login-error")).ToContainTextAsync("Wrong user name or password");

        await page.GetByLabel("Password").FillAsync(ApplianceProcess.AdminPassword);
        await page.GetByLabel("Password").PressAsync("Enter");
        await Expect(page.Locator("[data-role]")).ToHaveTextAsync("admin");
        await Expect(page.Locator("[data-user]")).ToHaveTextAsync("admin");

        // The session cookie is HttpOnly: the page itself cannot read it.
        Assert.DoesNotContain("fulcrum_session", await page.EvaluateAsync<string>("document.cookie"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in to the console" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in to the console" })).ToBeVisibleAsync();
        Assert.Empty(_box.OffBox);
    }

    [SkippableFact]
    public async Task PoolWithTwoMembersAndVirtualServer_CreatedInTheUi_ShowOnTheDashboard()
    {
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);

        await Nav(page, "Pools");
        await page.GetByRole(AriaRole.Button, new() { Name = "New pool" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.Locator("#f-name").FillAsync("web");
        await dialog.Locator("#f-loadBalancingMode").SelectOptionAsync("ratio");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
        await dialog.GetByLabel("Member 1 address").FillAsync("127.0.0.1");
        await dialog.GetByLabel("Member 1 port").FillAsync("9001");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
        await dialog.GetByLabel("Member 2 address").FillAsync("127.0.0.1");
        await dialog.GetByLabel("Member 2 port").FillAsync("9002");
        await dialog.GetByLabel("Member 2 ratio").FillAsync("2");
        await dialog.GetByLabel("Member 2 priority group").FillAsync("1");
        await ConsoleFixture.ScreenshotAsync(page, "pool-form");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Members of web" })).ToContainTextAsync("127.0.0.1:9002");

        var pool = (await _box.Admin.Get("/api/v1/pools/web")).Json;
        Assert.Equal("ratio", pool.GetProperty("loadBalancingMode").GetString());
        Assert.Equal(2, pool.GetProperty("members").GetArrayLength());
        Assert.Equal(2, pool.GetProperty("members")[1].GetProperty("ratio").GetInt32());
        Assert.Equal(1, pool.GetProperty("members")[1].GetProperty("priorityGroup").GetInt32());

        // Member state from the list: force one offline, then back.
        var members = page.GetByRole(AriaRole.List, new() { Name = "Members of web" });
        await members.Locator("li", new() { HasText = "127.0.0.1:9002" }).GetByRole(AriaRole.Button, new() { Name = "Force offline" }).ClickAsync();
        await Expect(members.Locator("li", new() { HasText = "127.0.0.1:9002" })).ToContainTextAsync("forced-offline");
        Assert.Equal("forced-offline", (await _box.Admin.Get("/api/v1/pools/web/members/127.0.0.1:9002")).Json.GetProperty("state").GetString());
        await ConsoleFixture.ScreenshotAsync(page, "pools");

        var port = FreePort.Next();
        await Nav(page, "Virtual servers");
        await page.GetByRole(AriaRole.Button, new() { Name = "New virtual server" }).ClickAsync();
        dialog = page.Locator("dialog[open]");
        await dialog.Locator("#f-name").FillAsync("www");
        await dialog.Locator("#f-destination").FillAsync($"127.0.0.1:{port}");
        await Expect(dialog.Locator("#f-pool")).ToContainTextAsync("web");
        await dialog.Locator("#f-pool").SelectOptionAsync("web");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "http", Exact = true }).CheckAsync();
        await ConsoleFixture.ScreenshotAsync(page, "virtual-form");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Virtual servers" })).ToContainTextAsync($"127.0.0.1:{port}");
        var virt = (await _box.Admin.Get("/api/v1/virtuals/www")).Json;
        Assert.Equal("web", virt.GetProperty("pool").GetString());
        Assert.Contains("http", virt.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()));
        await ConsoleFixture.ScreenshotAsync(page, "virtuals");

        // The dashboard shows every member with the state the appliance reports, live from the stream.
        await Nav(page, "Dashboard");
        await Expect(page.Locator(".live.on")).ToBeVisibleAsync();
        var status = (await _box.Admin.Get("/api/v1/status")).Json;
        var livePool = status.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "web");
        foreach (var m in livePool.GetProperty("members").EnumerateArray())
        {
            var key = $"{m.GetProperty("address").GetString()}:{m.GetProperty("port").GetInt32()}";
            var expected = m.GetProperty("state").GetString() switch
            {
                "forced-offline" => "forced offline",
                "disabled" => "disabled",
                _ => m.GetProperty("status").GetString()!,
            };
            await Expect(page.Locator($"[data-pool=web] [data-member='{key}'] .badge")).ToContainTextAsync(expected);
        }
        await Expect(page.Locator("[data-member='127.0.0.1:9002'] .badge")).ToHaveTextAsync("forced offline");
        await Expect(page.Locator("[data-virtual=www]")).ToContainTextAsync($"127.0.0.1:{port}");
        await Expect(page.Locator("[data-virtual=www] svg.sparkline")).ToBeVisibleAsync();

        // Live: a change made elsewhere shows up without reloading the page.
        await _box.Admin.Patch("/api/v1/pools/web/members/127.0.0.1:9002", """{"state":"disabled"}""");
        await Expect(page.Locator("[data-member='127.0.0.1:9002'] .badge")).ToHaveTextAsync("disabled", new() { Timeout = 5000 });
        await page.WaitForTimeoutAsync(2500);
        await ConsoleFixture.ScreenshotAsync(page, "dashboard");
        Assert.Empty(_box.PageErrors);
    }

    [SkippableFact]
    public async Task FieldErrors_FromTheProblemDocument_AreShownBesideEachField()
    {
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Pools");
        await page.GetByRole(AriaRole.Button, new() { Name = "New pool" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.Locator("#f-name").FillAsync("broken");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
        await dialog.GetByLabel("Member 1 address").FillAsync("10.0.0.300");
        await dialog.GetByLabel("Member 1 port").FillAsync("0");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        // pools/broken/members/0/port → beside member 1's port; the address error beside its address.
        await Expect(dialog.Locator("#m-0-port-errors")).ToContainTextAsync("port must be between 1 and 65535");
        await Expect(dialog.Locator("#m-0-address-errors")).ToContainTextAsync("10.0.0.300");
        await Expect(dialog.GetByLabel("Member 1 port")).ToHaveAttributeAsync("aria-invalid", "true");
        await ConsoleFixture.ScreenshotAsync(page, "field-errors");

        // Escape closes the dialog; nothing was created.
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        Assert.Equal(404, (await _box.Admin.Get("/api/v1/pools/broken")).Code);
    }

    [SkippableFact]
    public async Task RuleEditor_SyntaxErrorIsMarkedAtItsLine_RefusedSaveKeepsText_FixedRuleSaves()
    {
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Rules");
        await page.GetByRole(AriaRole.Button, new() { Name = "New rule" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("route-api");

        const string broken = "when('HTTP_REQUEST', (ctx) => {\n  const p = ctx.http.path;\n  if (p.startsWith('/api/') {\n    ctx.lb.pool('web');\n  }\n});\n";
        await SetEditorText(page, broken);
        await Expect(page.Locator("[data-check=errors]")).ToBeVisibleAsync();
        // Line 3 carries the mark, before anything was saved.
        await Expect(page.Locator(".cm-line").Nth(2).Locator(".cm-lintRange-error, .cm-lintPoint-error")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator(".cm-line").Nth(0).Locator(".cm-lintRange-error")).ToHaveCountAsync(0);
        Assert.Equal(404, (await _box.Admin.Get("/api/v1/rules/route-api")).Code);

        // Saving anyway: the API refuses (422), the error stays marked and the text is kept.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page.Locator(".outcome.error")).ToContainTextAsync("failed");
        await Expect(page.Locator(".cm-line").Nth(2).Locator(".cm-lintRange-error, .cm-lintPoint-error")).Not.ToHaveCountAsync(0);
        Assert.Contains("startsWith('/api/') {", await page.Locator(".cm-content").InnerTextAsync());
        await ConsoleFixture.ScreenshotAsync(page, "rule-editor-error");

        const string fixedRule = "when('HTTP_REQUEST', (ctx) => {\n  const p = ctx.http.path;\n  if (p.startsWith('/api/')) {\n    ctx.lb.pool('web');\n  }\n});\n";
        await SetEditorText(page, fixedRule);
        await Expect(page.Locator("[data-check=ok]")).ToBeVisibleAsync();
        await Expect(page.Locator(".cm-lintRange-error")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page.Locator(".notice.ok")).ToContainTextAsync("Saved rule 'route-api'");
        await Expect(page).ToHaveURLAsync(new Regex("/rules/route-api$"));
        var saved = (await _box.Admin.Get("/api/v1/rules/route-api")).Json;
        Assert.Equal(fixedRule, saved.GetProperty("source").GetString());

        // Completion offers the host API's names.
        await page.Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync("ctx.lb.");
        await Expect(page.Locator(".cm-tooltip-autocomplete")).ToContainTextAsync("activeMembers");
        await page.Keyboard.PressAsync("Escape");
        await ConsoleFixture.ScreenshotAsync(page, "rule-editor");
    }

    [SkippableFact]
    public async Task RuleTestBench_RunsTheSample_OrSaysItIsNotAvailable()
    {
        await _box.Admin.Post("/api/v1/rules", """{"name":"bench","source":"when('HTTP_REQUEST', (ctx) => { ctx.lb.pool('b'); });"}""");
        var api = await _box.Admin.Post("/api/v1/rules/bench/test", """{"client":{"ip":"10.1.2.3","port":5555},"request":{"method":"GET","uri":"/b/1","headers":{"host":"x"},"body":""}}""");
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await page.GotoAsync("/rules/bench");
        await Expect(page.Locator(".cm-content")).ToContainTextAsync("ctx.lb.pool");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run test" }).ClickAsync();
        if (api.Code is 404 or 405)
        {
            await Expect(page.GetByText("test bench not available on this box").First).ToBeVisibleAsync();
        }
        else
        {
            await Expect(page.Locator(".trace")).ToContainTextAsync("HTTP_REQUEST");
        }
        await ConsoleFixture.ScreenshotAsync(page, "rule-test-bench");
    }

    [SkippableFact]
    public async Task Configuration_DiffBetweenGenerations_AndRollbackWithConfirmation()
    {
        await _box.Admin.Post("/api/v1/datagroups", """{"name":"before-rollback","type":"string","records":{"/admin":""}}""");
        var generations = (await _box.Admin.Get("/api/v1/config/generations")).Json;
        var current = generations[0].GetProperty("generation").GetInt64();
        var target = current - 1;

        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Configuration");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Generations" })).ToContainTextAsync("admin");
        await page.GetByLabel($"Compare from generation {target}", new() { Exact = true }).CheckAsync();
        await page.GetByLabel($"Compare to generation {current}", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show diff" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Differences" })).ToContainTextAsync("dataGroups/before-rollback");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Roll back to {target}", Exact = true }).ClickAsync();
        var confirm = page.Locator("dialog[open]");
        await Expect(confirm).ToContainTextAsync($"Roll back to generation {target}?");
        await ConsoleFixture.ScreenshotAsync(page, "rollback-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = $"Roll back to {target}" }).ClickAsync();
        await Expect(page.Locator(".outcome.ok", new() { HasText = "Rolled back" })).ToBeVisibleAsync();
        Assert.Equal(404, (await _box.Admin.Get("/api/v1/datagroups/before-rollback")).Code);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Generations" }).Locator("tbody tr").First).ToContainTextAsync("current");
        await ConsoleFixture.ScreenshotAsync(page, "configuration");
    }

    [SkippableFact]
    public async Task Bundle_ExportImportAndDiff_OrNotAvailable()
    {
        var export = await _box.Admin.Get("/api/v1/bundle");
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Configuration");
        if (export.Code == 404)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Export bundle" }).ClickAsync();
            await Expect(page.Locator(".unavailable").GetByText("Bundle export is not available on this box")).ToBeVisibleAsync();
            var file = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}.bin");
            await File.WriteAllBytesAsync(file, [1, 2, 3]);
            await page.Locator("#bundle-file").SetInputFilesAsync(file);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check import (dry run)" }).ClickAsync();
            await Expect(page.Locator(".unavailable").GetByText("Bundle import is not available on this box")).ToBeVisibleAsync();
            File.Delete(file);
        }
        else
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export bundle" }).ClickAsync());
            var file = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}-{download.SuggestedFilename}");
            await download.SaveAsAsync(file);
            Assert.True(new FileInfo(file).Length > 0);
            await page.Locator("#bundle-file").SetInputFilesAsync(file);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check import (dry run)" }).ClickAsync();
            await Expect(page.Locator(".outcome.ok")).ToContainTextAsync("Dry run done");
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply import (replace)" }).ClickAsync();
            await page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Replace configuration" }).ClickAsync();
            await Expect(page.Locator(".outcome.ok").Last).ToContainTextAsync("Imported");
            File.Delete(file);
        }
        await ConsoleFixture.ScreenshotAsync(page, "bundle");
    }

    [SkippableFact]
    public async Task Auditor_OnEveryPage_FindsNoEnabledControlThatChangesAnything()
    {
        await _box.Admin.Post("/api/v1/pools", """{"name":"audited","members":[{"address":"127.0.0.1","port":9101}]}""");
        await _box.Admin.Post("/api/v1/rules", """{"name":"audited-rule","source":"when('HTTP_REQUEST', (ctx) => {});"}""");
        await _box.Admin.Post("/api/v1/datagroups", """{"name":"audited-dg","records":{"a":"1"}}""");
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page, "audrey", ConsoleFixture.AuditorPassword);
        await Expect(page.Locator("[data-role]")).ToHaveTextAsync("auditor");

        string[] pages = ["/", "/virtuals", "/pools", "/nodes", "/monitors", "/profiles/tcp", "/profiles/http", "/profiles/client-ssl", "/profiles/server-ssl",
            "/profiles/oneconnect", "/profiles/persistence", "/certificates", "/rules", "/rules/audited-rule", "/datagroups", "/config", "/users"];
        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("#page-title")).ToBeVisibleAsync();
            await Settled(page);
            await AssertNothingChangeable(page, path);
            var views = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^View ") });
            // Rules open on their own page (checked below), not in a dialog.
            if (path != "/rules" && await views.CountAsync() > 0)
            {
                await views.First.ClickAsync();
                var dialog = page.Locator("dialog[open]");
                await Expect(dialog).ToBeVisibleAsync();
                Assert.Equal(0, await dialog.Locator("input:enabled, select:enabled, textarea:enabled").CountAsync());
                await AssertNothingChangeable(page, path + " (view dialog)");
                await page.Keyboard.PressAsync("Escape");
                await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
            }
        }
        await page.GotoAsync("/rules/audited-rule");
        await Expect(page.Locator(".cm-content")).ToHaveAttributeAsync("contenteditable", "false");
        await page.GotoAsync("/pools");
        await ConsoleFixture.ScreenshotAsync(page, "auditor-pools");
    }

    [SkippableFact]
    public async Task Keyboard_LoginWithEnter_OpenFormAndCloseWithEscape_FocusIsVisible()
    {
        var page = await _box.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.GetByLabel("User name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("admin");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ApplianceProcess.AdminPassword);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("[data-role]")).ToHaveTextAsync("admin");

        await page.GotoAsync("/monitors");
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("Monitors");
        var create = page.GetByRole(AriaRole.Button, new() { Name = "New monitor" });
        await create.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("dialog[open]");
        await Expect(dialog.Locator("#f-name")).ToBeFocusedAsync();
        var outline = await dialog.Locator("#f-name").EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.NotEqual("none", outline);
        await page.Keyboard.TypeAsync("kbd-mon");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        Assert.Equal("tcp", (await _box.Admin.Get("/api/v1/monitors/kbd-mon")).Json.GetProperty("type").GetString());

        await create.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("dialog[open]")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        await Expect(create).ToBeFocusedAsync();
    }

    [SkippableFact]
    public async Task EveryPage_Renders_At1280x800_AndAtPhoneWidth()
    {
        await _box.Admin.Post("/api/v1/datagroups", """{"name":"blocked","type":"address","records":{"10.0.0.0/8":"internal","192.168.0.0/16":""}}""");
        await _box.Admin.Post("/api/v1/nodes", """{"name":"app1","address":"127.0.0.1","monitors":["tcp"]}""");
        await _box.Admin.Post("/api/v1/certificates", JsonSerializer.Serialize(new { name = "example", pem = TestCertificate.Pem, key = TestCertificate.Key }));
        string[] pages = ["/", "/virtuals", "/pools", "/nodes", "/monitors", "/profiles/tcp", "/profiles/persistence", "/certificates", "/rules", "/datagroups", "/config", "/users"];
        foreach (var (width, height, suffix) in new[] { (1280, 800, "desktop"), (390, 844, "phone") })
        {
            var page = await _box.NewPageAsync(width, height);
            await _box.LoginAsync(page);
            foreach (var path in pages)
            {
                await page.GotoAsync(path);
                await Expect(page.Locator("#page-title")).ToBeVisibleAsync();
                await Settled(page);
                var name = path == "/" ? "dashboard" : path.Trim('/').Replace('/', '-');
                await ConsoleFixture.ScreenshotAsync(page, $"page-{name}-{suffix}");
                var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.True(overflow <= 1, $"{path} at {width}px scrolls sideways by {overflow}px");
            }
            if (suffix == "phone")
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
                await ConsoleFixture.ScreenshotAsync(page, "phone-menu");
            }
        }
        var certs = (await _box.Admin.Get("/api/v1/certificates")).Text;
        Assert.DoesNotContain("PRIVATE KEY", certs);
        Assert.Empty(_box.OffBox);
    }

    [SkippableFact]
    public async Task Certificates_ShowSubjectSansAndExpiry_NeverTheKey_AndDataGroupsTakeBulkPaste()
    {
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Certificates");
        await page.GetByRole(AriaRole.Button, new() { Name = "New certificate" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.Locator("#f-name").FillAsync("uploaded");
        await dialog.Locator("#f-pem").FillAsync(TestCertificate.Pem);
        await dialog.Locator("#f-key").FillAsync(TestCertificate.Key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "uploaded" });
        await Expect(row).ToContainTextAsync("CN=fulcrum.test");
        await Expect(row).ToContainTextAsync("www.fulcrum.test");
        await Expect(row).ToContainTextAsync("days left");
        await Expect(row).ToContainTextAsync("stored (never shown)");
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit certificate uploaded" }).ClickAsync();
        Assert.Equal("", await page.Locator("dialog[open] #f-key").InputValueAsync());
        Assert.DoesNotContain("PRIVATE KEY", await page.ContentAsync());
        await page.Keyboard.PressAsync("Escape");
        await ConsoleFixture.ScreenshotAsync(page, "certificates");

        await Nav(page, "Data groups");
        await page.GetByRole(AriaRole.Button, new() { Name = "New data group" }).ClickAsync();
        dialog = page.Locator("dialog[open]");
        await dialog.Locator("#f-name").FillAsync("paths");
        await dialog.Locator("#f-records").FillAsync("/admin\n/debug temporary\n/api=v1 api\n# a comment\n");
        await Expect(dialog).ToContainTextAsync("3 record(s)");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        var records = (await _box.Admin.Get("/api/v1/datagroups/paths")).Json.GetProperty("records");
        Assert.Equal("", records.GetProperty("/admin").GetString());
        Assert.Equal("temporary", records.GetProperty("/debug").GetString());
        Assert.Equal("v1 api", records.GetProperty("/api").GetString());
    }

    /// <summary>
    /// Members go up and down with their monitors, seen on the dashboard. Skipped, with the reason, only while the
    /// appliance has no health monitors: when /api/v1/status never says "up" within 10 s for a live tcp backend.
    /// </summary>
    [SkippableFact]
    public async Task Dashboard_MembersGoUpAndDown_WithMonitors()
    {
        Chromium.Require();
        using var backend = new TcpListener(IPAddress.Loopback, 0);
        backend.Start();
        var port = ((IPEndPoint)backend.LocalEndpoint).Port;
        using var accept = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!accept.IsCancellationRequested)
            {
                try
                {
                    using var c = await backend.AcceptTcpClientAsync(accept.Token);
                }
                catch (Exception)
                {
                    return;
                }
            }
        });
        await _box.Admin.Post("/api/v1/monitors", """{"name":"fast-tcp","type":"tcp","interval":1,"timeout":3}""");
        await _box.Admin.Post("/api/v1/pools", $$"""{"name":"monitored","monitors":["fast-tcp"],"members":[{"address":"127.0.0.1","port":{{port}}}]}""");

        var up = await WaitForMemberStatus("monitored", "up", TimeSpan.FromSeconds(10));
        Skip.IfNot(up, "GET /api/v1/status never reported 'up' within 10 s for a live backend with a tcp monitor: the health monitors have not landed on this branch");

        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Expect(page.Locator($"[data-pool=monitored] [data-member='127.0.0.1:{port}'] .badge")).ToHaveTextAsync("up");
        accept.Cancel();
        backend.Stop();
        Assert.True(await WaitForMemberStatus("monitored", "down", TimeSpan.FromSeconds(15)), "the member did not go down after its backend stopped");
        await Expect(page.Locator($"[data-pool=monitored] [data-member='127.0.0.1:{port}'] .badge")).ToContainTextAsync("down", new() { Timeout = 5000 });
        await ConsoleFixture.ScreenshotAsync(page, "dashboard-monitors");
    }

    private async Task<bool> WaitForMemberStatus(string pool, string wanted, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var status = (await _box.Admin.Get("/api/v1/status")).Json;
            var p = status.GetProperty("pools").EnumerateArray().FirstOrDefault(x => x.GetProperty("name").GetString() == pool);
            if (p.ValueKind == JsonValueKind.Object && p.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("status").GetString() == wanted))
            {
                return true;
            }
            await Task.Delay(250);
        }
        return false;
    }

    private static async Task AssertNothingChangeable(IPage page, string where)
    {
        var changing = new Regex(@"^(new|create|save|edit|delete|remove|copy|add|enable|disable|force|roll back|apply|check import|import)\b", RegexOptions.IgnoreCase);
        foreach (var button in await page.Locator("button:visible").AllAsync())
        {
            var text = (await button.InnerTextAsync()).Trim();
            var label = await button.GetAttributeAsync("aria-label") ?? "";
            if ((changing.IsMatch(text) || changing.IsMatch(label)) && await button.IsEnabledAsync())
            {
                Assert.Fail($"{where}: the auditor sees an enabled '{text} {label}' button");
            }
        }
        Assert.Equal(0, await page.Locator("[data-mutates]:visible:enabled").CountAsync());
    }

    /// <summary>The page has finished loading its data (the status stream keeps a request open, so the network never idles).</summary>
    private static async Task Settled(IPage page)
    {
        await Expect(page.Locator(".progress")).ToHaveCountAsync(0);
    }

    private static async Task Nav(IPage page, string name)
    {
        if (await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).IsVisibleAsync())
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        }
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync(name);
    }

    /// <summary>Replaces the CodeMirror document the way a user would: select all, then type (inserted as text, so
    /// auto-closing brackets do not add characters the test did not mean).</summary>
    private static async Task SetEditorText(IPage page, string text)
    {
        await page.Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync(text);
    }
}
