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
        // A rule may only name pools that exist (not "web": another test creates that one in the UI).
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/pools", """{"name":"apipool"}""")).Code);

        const string broken = "when('HTTP_REQUEST', (ctx) => {\n  const p = ctx.http.path;\n  if (p.startsWith('/api/') {\n    ctx.lb.pool('apipool');\n  }\n});\n";
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

        const string fixedRule = "when('HTTP_REQUEST', (ctx) => {\n  const p = ctx.http.path;\n  if (p.startsWith('/api/')) {\n    ctx.lb.pool('apipool');\n  }\n});\n";
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
        await Expect(page.Locator(".cm-tooltip-autocomplete")).ToContainTextAsync("hashKey");
        await page.Keyboard.PressAsync("Escape");
        await ConsoleFixture.ScreenshotAsync(page, "rule-editor");
    }

    [SkippableFact]
    public async Task RuleEditor_FixedRuleSaved_ThenLiveTrafficThroughAVirtualObeysIt_AndAnEditTakesEffect()
    {
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Rules");
        await page.GetByRole(AriaRole.Button, new() { Name = "New rule" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("live-hello");

        // Written with a syntax error first (marked, not saved), then fixed and saved from the editor.
        const string broken = "when('HTTP_REQUEST', (ctx) => {\n  if (ctx.http.path.startsWith('/hello') {\n    ctx.http.respond(200, 'hello from rule');\n  } else {\n    ctx.http.redirect('/hello/there', 302);\n  }\n});\n";
        await SetEditorText(page, broken);
        await Expect(page.Locator("[data-check=errors]")).ToBeVisibleAsync();
        var fixedRule = broken.Replace("startsWith('/hello') {", "startsWith('/hello')) {", StringComparison.Ordinal);
        await SetEditorText(page, fixedRule);
        await Expect(page.Locator("[data-check=ok]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page.Locator(".notice.ok")).ToContainTextAsync("Saved rule 'live-hello'");

        // A virtual that uses it (pool member on a port nobody listens on: only the rule can answer).
        var port = FreePort.Next();
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/pools", $$"""{"name":"livepool","members":[{"address":"127.0.0.1","port":{{FreePort.Next()}}}]}""")).Code);
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/virtuals", $$"""{"name":"live","destination":"127.0.0.1:{{port}}","pool":"livepool","profiles":["tcp","http"],"rules":["live-hello"]}""")).Code);

        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
        async Task<(HttpStatusCode Code, string Body, string? Location)> Send(string path)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                try
                {
                    using var r = await client.GetAsync($"http://127.0.0.1:{port}{path}");
                    return (r.StatusCode, await r.Content.ReadAsStringAsync(), r.Headers.Location?.ToString());
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100); // the listener is opened as the config is applied
                }
            }
        }

        var hello = await Send("/hello");
        Assert.Equal((HttpStatusCode.OK, "hello from rule"), (hello.Code, hello.Body));
        var other = await Send("/anything");
        Assert.Equal((HttpStatusCode.Found, "/hello/there"), (other.Code, other.Location));

        // Edited in the editor and saved again: the next request sees the new rule.
        await SetEditorText(page, fixedRule.Replace("hello from rule", "hello again", StringComparison.Ordinal));
        await Expect(page.Locator("[data-check=ok]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rule" }).ClickAsync();
        await Expect(page.Locator(".notice.ok")).ToContainTextAsync("Saved rule 'live-hello'");
        var again = await Send("/hello");
        Assert.Equal((HttpStatusCode.OK, "hello again"), (again.Code, again.Body));
        await ConsoleFixture.ScreenshotAsync(page, "rule-editor-live");
    }

    [SkippableFact]
    public async Task RuleTestBench_RunsTheSample_ShowsTheTrace()
    {
        // A rule may only name pools that exist.
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/pools", """{"name":"b"}""")).Code);
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/rules", """{"name":"bench","source":"when('HTTP_REQUEST', (ctx) => { log('picking b'); ctx.lb.pool('b'); });"}""")).Code);
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await page.GotoAsync("/rules/bench");
        await Expect(page.Locator(".cm-content")).ToContainTextAsync("ctx.lb.pool");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run test" }).ClickAsync();
        await Expect(page.Locator(".trace")).ToContainTextAsync("HTTP_REQUEST");
        await Expect(page.Locator(".trace")).ToContainTextAsync("lb.pool");
        await Expect(page.Locator(".trace .log")).ToHaveTextAsync("log: picking b"); // a log entry is {level, message}
        await ConsoleFixture.ScreenshotAsync(page, "rule-test-bench");
    }

    [SkippableFact]
    public async Task Configuration_DiffBetweenGenerations_FieldByField_AndRollbackWithConfirmation()
    {
        const string ruleV1 = "when('HTTP_REQUEST', (ctx) => {\n  ctx.lb.pool('diffpool');\n});\n";
        const string ruleV2 = "when('HTTP_REQUEST', (ctx) => {\n  log('routing');\n  ctx.lb.pool('diffpool');\n});\n";
        await _box.Admin.Post("/api/v1/pools", """{"name":"diffpool","members":[{"address":"127.0.0.1","port":9301,"ratio":1}]}""");
        await _box.Admin.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = "diffrule", source = ruleV1 }));
        await _box.Admin.Post("/api/v1/datagroups", """{"name":"doomed","records":{"a":""}}""");
        var target = await _box.Admin.Generation();

        // Three kinds of change after the target: a pool's fields, a rule's source, an added and a removed object.
        Assert.Equal(200, (await _box.Admin.Put("/api/v1/pools/diffpool", """{"name":"diffpool","loadBalancingMode":"ratio","members":[{"address":"127.0.0.1","port":9301,"ratio":4}]}""")).Code);
        Assert.Equal(200, (await _box.Admin.Put("/api/v1/rules/diffrule", JsonSerializer.Serialize(new { name = "diffrule", source = ruleV2 }))).Code);
        await _box.Admin.Delete("/api/v1/datagroups/doomed");
        await _box.Admin.Post("/api/v1/datagroups", """{"name":"before-rollback","type":"string","records":{"/admin":""}}""");
        var current = await _box.Admin.Generation();

        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Configuration");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Generations" })).ToContainTextAsync("admin");
        await page.GetByLabel($"Compare from generation {target}", new() { Exact = true }).CheckAsync();
        await page.GetByLabel($"Compare to generation {current}", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Show diff" }).ClickAsync();
        var diff = page.GetByRole(AriaRole.Table, new() { Name = "Differences" });
        await Expect(page.Locator(".diff-counts")).ToHaveTextAsync("1 added, 2 changed, 1 removed");
        await Expect(diff.Locator("[data-diff-object='datagroups/before-rollback']")).ToContainTextAsync("added");
        await Expect(diff.Locator("[data-diff-object='datagroups/doomed']")).ToContainTextAsync("removed");
        // Field by field, old → new, members named address:port.
        var pool = diff.Locator("[data-diff-object='pools/diffpool']");
        await Expect(pool.Locator("[data-field=loadBalancingMode]")).ToContainTextAsync("\"round-robin\"");
        await Expect(pool.Locator("[data-field=loadBalancingMode] code.after")).ToHaveTextAsync("\"ratio\"");
        await Expect(pool.Locator("[data-field='members/127.0.0.1:9301/ratio'] code.before")).ToHaveTextAsync("1");
        await Expect(pool.Locator("[data-field='members/127.0.0.1:9301/ratio'] code.after")).ToHaveTextAsync("4");
        // A rule's source as unified-diff hunks.
        var hunk = diff.Locator("[data-diff-object='rules/diffrule'] pre.hunk");
        await Expect(hunk.Locator(".hunk-head")).ToHaveTextAsync("@@ -1,3 +1,4 @@");
        await Expect(hunk.Locator(".line.add")).ToHaveTextAsync("+  log('routing');");
        await Expect(hunk.Locator(".line.del")).ToHaveCountAsync(0);
        await ConsoleFixture.ScreenshotAsync(page, "configuration-diff");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Roll back to {target}", Exact = true }).ClickAsync();
        var confirm = page.Locator("dialog[open]");
        await Expect(confirm).ToContainTextAsync($"Roll back to generation {target}?");
        await ConsoleFixture.ScreenshotAsync(page, "rollback-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = $"Roll back to {target}" }).ClickAsync();
        await Expect(page.Locator(".outcome.ok", new() { HasText = "Rolled back" })).ToBeVisibleAsync();
        Assert.Equal(404, (await _box.Admin.Get("/api/v1/datagroups/before-rollback")).Code);
        Assert.Equal(200, (await _box.Admin.Get("/api/v1/datagroups/doomed")).Code);
        Assert.Equal("round-robin", (await _box.Admin.Get("/api/v1/pools/diffpool")).Json.GetProperty("loadBalancingMode").GetString());
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Generations" }).Locator("tbody tr").First).ToContainTextAsync("current");
        await ConsoleFixture.ScreenshotAsync(page, "configuration");
    }

    [SkippableFact]
    public async Task Bundle_ExportChangeImport_ShowsTheDiff_AndApplyingRevertsTheChange()
    {
        const string ruleV1 = "when('HTTP_REQUEST', (ctx) => {\n  ctx.lb.pool('bundled');\n});\n";
        const string ruleV2 = "when('HTTP_REQUEST', (ctx) => {\n  ctx.lb.pool('other');\n});\n";
        await _box.Admin.Post("/api/v1/pools", """{"name":"bundled","members":[{"address":"127.0.0.1","port":9401,"ratio":1}]}""");
        await _box.Admin.Post("/api/v1/pools", """{"name":"other","members":[{"address":"127.0.0.1","port":9402}]}""");
        await _box.Admin.Post("/api/v1/rules", JsonSerializer.Serialize(new { name = "bundled-rule", source = ruleV1 }));
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Configuration");

        // Export (no passphrase: keys left out).
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export bundle" }).ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename);
        var file = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}-{download.SuggestedFilename}");
        await download.SaveAsAsync(file);
        try
        {
            await Expect(page.Locator(".outcome.ok").First).ToContainTextAsync("Downloaded the bundle of generation");
            var exported = await _box.Admin.Generation();

            // Change things after the export.
            Assert.Equal(200, (await _box.Admin.Put("/api/v1/pools/bundled", """{"name":"bundled","loadBalancingMode":"ratio","members":[{"address":"127.0.0.1","port":9401,"ratio":3}]}""")).Code);
            Assert.Equal(200, (await _box.Admin.Put("/api/v1/rules/bundled-rule", JsonSerializer.Serialize(new { name = "bundled-rule", source = ruleV2 }))).Code);
            Assert.Equal(201, (await _box.Admin.Post("/api/v1/datagroups", """{"name":"after-export","records":{"x":""}}""")).Code);
            var changed = await _box.Admin.Generation();

            // Upload → dry run (replace): the diff, the bundle's facts and its signature; nothing changes yet.
            await page.Locator("#bundle-file").SetInputFilesAsync(file);
            await page.GetByRole(AriaRole.Button, new() { Name = "Check import (dry run)" }).ClickAsync();
            await Expect(page.Locator(".outcome.ok").Last).ToContainTextAsync("Dry run done: nothing was changed");
            var diff = page.GetByRole(AriaRole.Table, new() { Name = "Bundle differences" });
            await Expect(diff.Locator("[data-diff-object='pools/bundled'] [data-field=loadBalancingMode] code.before")).ToHaveTextAsync("\"ratio\"");
            await Expect(diff.Locator("[data-diff-object='pools/bundled'] [data-field=loadBalancingMode] code.after")).ToHaveTextAsync("\"round-robin\"");
            await Expect(diff.Locator("[data-diff-object='pools/bundled'] [data-field='members/127.0.0.1:9401/ratio']")).ToContainTextAsync("3");
            await Expect(diff.Locator("[data-diff-object='rules/bundled-rule'] .line.del")).ToHaveTextAsync("-  ctx.lb.pool('other');");
            await Expect(diff.Locator("[data-diff-object='rules/bundled-rule'] .line.add")).ToHaveTextAsync("+  ctx.lb.pool('bundled');");
            await Expect(diff.Locator("[data-diff-object='datagroups/after-export']")).ToContainTextAsync("removed");
            await Expect(page.Locator("[data-fact=source]")).ToContainTextAsync($"generation {exported}");
            await Expect(page.Locator("[data-fact=signature]")).ToContainTextAsync("signed by");
            // Exported without a passphrase: no key is in the bundle (a certificate with a key, made by another test, is named as left out).
            await Expect(page.Locator("[data-fact=keys]")).ToHaveTextAsync(new Regex("^(none|left out.*)$"));
            Assert.Equal(changed, await _box.Admin.Generation());
            await ConsoleFixture.ScreenshotAsync(page, "bundle-dry-run");

            // Apply, with confirmation: the change made after the export is reverted.
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply import (replace)" }).ClickAsync();
            var confirm = page.Locator("dialog[open]");
            await Expect(confirm).ToContainTextAsync("Replace the configuration with this bundle?");
            await Expect(confirm).ToContainTextAsync($"roll back to generation {changed}");
            await confirm.GetByRole(AriaRole.Button, new() { Name = "Replace configuration" }).ClickAsync();
            await Expect(page.Locator(".outcome.ok").Last).ToContainTextAsync($"Imported (replace): generation {changed + 1}");
            var pool = (await _box.Admin.Get("/api/v1/pools/bundled")).Json;
            Assert.Equal("round-robin", pool.GetProperty("loadBalancingMode").GetString());
            Assert.Equal(1, pool.GetProperty("members")[0].GetProperty("ratio").GetInt32());
            Assert.Equal(ruleV1, (await _box.Admin.Get("/api/v1/rules/bundled-rule")).Json.GetProperty("source").GetString());
            Assert.Equal(404, (await _box.Admin.Get("/api/v1/datagroups/after-export")).Code);
            await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Generations" }).Locator("tbody tr").First).ToContainTextAsync("bundle replace");
            await ConsoleFixture.ScreenshotAsync(page, "bundle");

            // Merge never removes: an object added since is kept, so merging the same bundle again changes nothing.
            await _box.Admin.Post("/api/v1/datagroups", """{"name":"merge-keeps","records":{"y":""}}""");
            await page.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("Merge: the bundle") }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Check import (dry run)" }).ClickAsync();
            await Expect(page.Locator(".diff-empty")).ToContainTextAsync("importing it changes nothing");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Apply import (merge)" })).ToHaveCountAsync(0);

            // A file that is not a bundle: the refusal with its reason, nothing changed.
            var bad = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}.zip");
            await File.WriteAllBytesAsync(bad, [1, 2, 3]);
            try
            {
                var before = await _box.Admin.Generation();
                await page.Locator("#bundle-file").SetInputFilesAsync(bad);
                await page.GetByRole(AriaRole.Button, new() { Name = "Check import (dry run)" }).ClickAsync();
                await Expect(page.Locator(".refusal")).ToHaveAttributeAsync("data-reason", "truncated");
                await Expect(page.Locator(".refusal")).ToContainTextAsync("The bundle was refused");
                Assert.Equal(before, await _box.Admin.Generation());
            }
            finally
            {
                File.Delete(bad);
            }
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Empty(_box.PageErrors);
    }

    [SkippableFact]
    public async Task Bundle_ExportWithPassphrase_IsAdminOnly_AndTheConsoleSaysSo()
    {
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page, "oscar", ConsoleFixture.OperatorPassword);
        await Nav(page, "Configuration");
        await Expect(page.GetByText("Only an admin can import a bundle")).ToBeVisibleAsync();
        await Expect(page.Locator("#bundle-file")).ToHaveCountAsync(0);
        await page.GetByLabel("Passphrase for private keys (optional, admin only)").FillAsync("correct horse battery staple");
        await page.GetByRole(AriaRole.Button, new() { Name = "Export bundle" }).ClickAsync();
        var refusal = page.Locator(".refusal");
        await Expect(refusal).ToContainTextAsync("Not allowed: exporting private keys is for admins only");
        await Expect(refusal).ToContainTextAsync("403");
        await Expect(refusal).ToContainTextAsync("only an admin may export private keys");
        await ConsoleFixture.ScreenshotAsync(page, "bundle-export-forbidden");

        // Without the passphrase the operator's export works (keys left out).
        await page.GetByLabel("Passphrase for private keys (optional, admin only)").FillAsync("");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export bundle" }).ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename);
        await Expect(page.Locator(".refusal")).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task Persistence_ListsRecordsByFilter_AndClearIsConfirmed_AndHiddenFromAuditors()
    {
        await _box.Admin.Post("/api/v1/pools", """{"name":"sticky","members":[{"address":"127.0.0.1","port":9501}]}""");
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        await Nav(page, "Persistence");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Persistence records" });
        await Expect(table).ToContainTextAsync("No persistence records.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Clear all records" })).ToBeDisabledAsync();

        // Filters go to the API as query parameters.
        await page.Locator("#p-pool").SelectOptionAsync("sticky");
        await page.GetByLabel("Key").FillAsync("10.9.8.0");
        var listed = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Show records" }).ClickAsync(),
            r => r.Url.Contains("/api/v1/persistence?"));
        Assert.EndsWith("/api/v1/persistence?pool=sticky&key=10.9.8.0", listed.Url);
        await Expect(table).ToContainTextAsync("No persistence records match these filters.");
        await Expect(page.Locator("[data-count]")).ToContainTextAsync("0 record(s) matching pool sticky, key 10.9.8.0");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Clear matching records" })).ToBeVisibleAsync();
        Assert.Equal(200, (await _box.Admin.Get("/api/v1/persistence?pool=sticky")).Code);
        await ConsoleFixture.ScreenshotAsync(page, "persistence");

        var auditor = await _box.NewPageAsync();
        await _box.LoginAsync(auditor, "audrey", ConsoleFixture.AuditorPassword);
        await auditor.GotoAsync("/persistence");
        await Expect(auditor.GetByRole(AriaRole.Table, new() { Name = "Persistence records" })).ToBeVisibleAsync();
        await Expect(auditor.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Clear") })).ToHaveCountAsync(0);
        await Expect(auditor.GetByText("Read-only for your role.")).ToBeVisibleAsync();
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
            "/profiles/oneconnect", "/profiles/persistence", "/certificates", "/rules", "/rules/audited-rule", "/datagroups", "/persistence", "/config", "/users"];
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
        string[] pages = ["/", "/virtuals", "/pools", "/nodes", "/monitors", "/profiles/tcp", "/profiles/persistence", "/certificates", "/rules", "/datagroups", "/persistence", "/config", "/users"];
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

    /// <summary>A PKCS#12 file uploaded in the form becomes a certificate with its key; one ending in 10 days is flagged on the dashboard.</summary>
    [SkippableFact]
    public async Task Certificates_Pkcs12Upload_AndExpiringOnTheDashboard()
    {
        var ca = TestPki.Ca("Console Test CA", rsa: true);
        var leaf = TestPki.Leaf("p12.fulcrum.test", ca, rsa: true);
        var soon = TestPki.Leaf("soon.fulcrum.test", days: 10);
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/certificates", JsonSerializer.Serialize(new { name = "ends-soon", pem = soon.Pem, key = soon.KeyPem }))).Code);
        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);

        var expiring = page.Locator("[data-certificate='ends-soon']");
        await Expect(expiring).ToContainTextAsync("days left");

        await Nav(page, "Certificates");
        await page.GetByRole(AriaRole.Button, new() { Name = "New certificate" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.Locator("#f-name").FillAsync("from-p12");
        await dialog.Locator("#f-pkcs12").SetInputFilesAsync(new FilePayload { Name = "site.p12", MimeType = "application/x-pkcs12", Buffer = Convert.FromBase64String(TestPki.Pkcs12(leaf, "p12-secret", ca)) });
        await Expect(dialog.Locator("#f-pem")).ToHaveCountAsync(0);
        await dialog.Locator("#f-passphrase").FillAsync("wrong");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(dialog).ToContainTextAsync("passphrase");
        await dialog.Locator("#f-passphrase").FillAsync("p12-secret");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.Locator("dialog[open]")).ToHaveCountAsync(0);
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "from-p12" });
        await Expect(row).ToContainTextAsync("CN=p12.fulcrum.test");
        await Expect(row).ToContainTextAsync("CN=Console Test CA");
        await Expect(row).ToContainTextAsync("rsa-2048");
        await Expect(row).ToContainTextAsync("stored (never shown)");
        var soonRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ends-soon" });
        await Expect(soonRow.GetByText("days left")).ToHaveAttributeAsync("class", new Regex("warn"));
        Assert.DoesNotContain("PRIVATE KEY", await page.ContentAsync());
        await ConsoleFixture.ScreenshotAsync(page, "certificates-p12");
    }

    /// <summary>
    /// Members go up, disabled (receive-disable), down and up again with their monitors, seen live on the dashboard
    /// and the pool page with the monitor's reason and since when; a manual-resume monitor holds its member down
    /// until Resume, which an auditor is not offered.
    /// </summary>
    [SkippableFact]
    public async Task Dashboard_MembersGoUpAndDown_WithMonitors()
    {
        Chromium.Require();
        await using var backend = new HealthBackend();
        backend.Answer = "OK";
        backend.Start();
        var port = backend.Port;
        var member = $"127.0.0.1:{port}";
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/monitors", """{"name":"fast-tcp","type":"tcp","interval":1,"timeout":3,"send":"HEALTH\\r\\n","receive":"OK","receiveDisable":"MAINT"}""")).Code);
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/monitors", """{"name":"held-tcp","type":"tcp","interval":1,"timeout":3,"manualResume":true}""")).Code);
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/pools", $$"""{"name":"monitored","monitors":["fast-tcp"],"members":[{"address":"127.0.0.1","port":{{port}}}]}""")).Code);
        Assert.Equal(201, (await _box.Admin.Post("/api/v1/pools", $$"""{"name":"held","monitors":["held-tcp"],"members":[{"address":"127.0.0.1","port":{{port}}}]}""")).Code);

        var page = await _box.NewPageAsync();
        await _box.LoginAsync(page);
        var row = page.Locator($"[data-pool=monitored] [data-member='{member}']");
        var heldRow = page.Locator($"[data-pool=held] [data-member='{member}']");
        var slow = new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 };
        await Expect(row.Locator(".badge")).ToHaveTextAsync("up", slow);
        await Expect(heldRow.Locator(".badge")).ToHaveTextAsync("up", slow);
        await Expect(row.Locator("[data-since]")).ToContainTextAsync("since");

        // Receive-disable: alive but takes no new connections, with the monitor's reason.
        backend.Answer = "MAINT";
        await Expect(row.Locator(".badge")).ToHaveTextAsync("disabled", slow);
        await Expect(row.Locator("[data-reason]")).ToHaveTextAsync("tcp: receive-disable string matched");
        await ConsoleFixture.ScreenshotAsync(page, "dashboard-monitor-disabled");

        // The pool page shows the same health beside each member's own state.
        await Nav(page, "Pools");
        var poolMember = page.GetByRole(AriaRole.List, new() { Name = "Members of monitored" }).Locator("li", new() { HasText = member });
        await Expect(poolMember.Locator(".health .badge")).ToHaveTextAsync("disabled", slow);
        await Expect(poolMember.Locator("[data-reason]")).ToContainTextAsync("receive-disable");
        await Expect(poolMember.Locator("[data-since]")).ToContainTextAsync("ago");
        await ConsoleFixture.ScreenshotAsync(page, "pools-health");
        await Nav(page, "Dashboard");

        // The backend stops: down, with the monitor's reason; the manual-resume member too.
        await backend.StopAsync();
        await Expect(row.Locator(".badge")).ToHaveTextAsync("down", slow);
        await Expect(row.Locator("[data-reason]")).ToContainTextAsync("tcp: ");
        await Expect(heldRow.Locator(".badge")).ToHaveTextAsync("down", slow);
        await ConsoleFixture.ScreenshotAsync(page, "dashboard-monitors");

        // It comes back: up again; the manual-resume member stays down, awaiting Resume.
        backend.Answer = "OK";
        backend.Start();
        await Expect(row.Locator(".badge")).ToHaveTextAsync("up", slow);
        await Expect(heldRow.Locator(".flag")).ToHaveTextAsync("awaiting manual resume", new() { Timeout = 15_000 });
        await Expect(heldRow.Locator(".badge")).ToHaveTextAsync("down");
        var resume = heldRow.GetByRole(AriaRole.Button, new() { Name = $"Resume member {member} of held" });
        await Expect(resume).ToBeVisibleAsync();
        await ConsoleFixture.ScreenshotAsync(page, "dashboard-awaiting-resume");

        // An auditor sees the member held, but no Resume.
        var auditor = await _box.NewPageAsync();
        await _box.LoginAsync(auditor, "audrey", ConsoleFixture.AuditorPassword);
        await Expect(auditor.Locator($"[data-pool=held] [data-member='{member}'] .flag")).ToHaveTextAsync("awaiting manual resume");
        await Expect(auditor.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToHaveCountAsync(0);

        await resume.ClickAsync();
        await Expect(page.Locator(".notice.ok")).ToContainTextAsync($"Resumed {member} in held");
        await Expect(heldRow.Locator(".badge")).ToHaveTextAsync("up", slow);
        await Expect(heldRow.Locator(".flag")).ToHaveCountAsync(0);
        Assert.True(await WaitForMemberStatus("held", "up", TimeSpan.FromSeconds(5)));
        Assert.Empty(_box.PageErrors);
    }

    /// <summary>
    /// A loopback backend for tcp monitors: reads the probe's request line, answers <see cref="Answer"/> and closes.
    /// Stops and starts again on the same port.
    /// </summary>
    private sealed class HealthBackend : IAsyncDisposable
    {
        private TcpListener? _listener;
        private CancellationTokenSource? _stop;
        private Task? _loop;

        public volatile string Answer = "OK";
        public int Port { get; private set; }

        public void Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _stop = new CancellationTokenSource();
            var token = _stop.Token;
            _loop = Task.Run(async () =>
            {
                while (!token.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync(token);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            try
                            {
                                var stream = client.GetStream();
                                using var read = CancellationTokenSource.CreateLinkedTokenSource(token);
                                read.CancelAfter(TimeSpan.FromSeconds(2));
                                var buffer = new byte[256];
                                var n = 0;
                                while (n < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, n) < 0)
                                {
                                    var got = await stream.ReadAsync(buffer.AsMemory(n), read.Token);
                                    if (got == 0)
                                    {
                                        break;
                                    }
                                    n += got;
                                }
                                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(Answer + "\r\n"), token);
                                client.Client.Shutdown(SocketShutdown.Send);
                            }
                            catch (Exception)
                            {
                                // a probe that went away: nothing to do
                            }
                        }
                    });
                }
            });
        }

        public async Task StopAsync()
        {
            _stop?.Cancel();
            _listener?.Stop();
            if (_loop is not null)
            {
                await _loop;
            }
            _listener = null;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop?.Dispose();
        }
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
        var changing = new Regex(@"^(new|create|save|edit|delete|remove|copy|add|enable|disable|force|roll back|apply|check import|import|clear|resume)\b", RegexOptions.IgnoreCase);
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
