using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Bundles;
using Fulcrum.Appliance.Config.Bundles.Signing;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Runtime;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fulcrum.Appliance.Cli;

/// <summary>
/// <c>fulcrum bundle export|import|diff</c>, offline on a data dir (<c>--data DIR</c>) with the same importer as the
/// API, or against a running box (<c>--url URL --user NAME</c>, password from <c>FULCRUM_PASSWORD</c> or the first
/// line of standard input). The passphrase comes from <c>FULCRUM_BUNDLE_PASSPHRASE</c> or, with
/// <c>--passphrase-stdin</c>, the next line of standard input.
/// </summary>
internal static class BundleCommand
{
    private const string PasswordEnv = "FULCRUM_PASSWORD";
    private const string PassphraseEnv = "FULCRUM_BUNDLE_PASSPHRASE";

    public static Command Create()
    {
        var bundle = new Command("bundle", "Export, import and diff configuration bundles");
        bundle.Subcommands.Add(Export());
        bundle.Subcommands.Add(Import());
        bundle.Subcommands.Add(DiffCommand());
        return bundle;
    }

    private sealed record Target(string? DataDir, string? Url, string User, bool PassphraseStdin);

    private static (Option<string?> Data, Option<string?> Url, Option<string> User, Option<bool> PassphraseStdin) TargetOptions() =>
        (new Option<string?>("--data") { Description = "Work offline on this data directory (holding fulcrum.db)" },
         new Option<string?>("--url") { Description = "Work against a running box's API, e.g. http://127.0.0.1:8080" },
         new Option<string>("--user") { Description = $"API user (with --url); the password comes from {PasswordEnv} or standard input", DefaultValueFactory = _ => "admin" },
         new Option<bool>("--passphrase-stdin") { Description = $"Read the key passphrase from standard input (else {PassphraseEnv})" });

    private static Command Export()
    {
        var (data, url, user, pass) = TargetOptions();
        var output = new Option<string?>("--output", "-o") { Description = "Bundle file to write (default: the name the box suggests, in the current directory)" };
        var generation = new Option<long?>("--generation") { Description = "Export this kept generation instead of the current one" };
        var noSign = new Option<bool>("--no-sign") { Description = "Do not sign the manifest with the box's key" };
        var command = new Command("export", "Export the configuration as a bundle (keys encrypted with the passphrase, or left out without one)") { output, generation, noSign, data, url, user, pass };
        command.SetAction((r, ct) => Run(() => ExportAsync(Get(r, data, url, user, pass), r.GetValue(output), r.GetValue(generation), !r.GetValue(noSign), ct)));
        return command;
    }

    private static Command Import()
    {
        var (data, url, user, pass) = TargetOptions();
        var file = new Argument<FileInfo>("file") { Description = "The bundle file" };
        var mode = new Option<string>("--mode") { Description = "replace (the config becomes the bundle's), merge (add and update only) or dryRun", DefaultValueFactory = _ => "replace" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (the API's answer)" };
        var command = new Command("import", "Import a bundle as one new generation") { file, mode, json, data, url, user, pass };
        command.SetAction((r, ct) => Run(() => ImportAsync(Get(r, data, url, user, pass), r.GetValue(file)!, r.GetValue(mode)!, r.GetValue(json), ct)));
        return command;
    }

    private static Command DiffCommand()
    {
        var (data, url, user, pass) = TargetOptions();
        var file = new Argument<FileInfo>("file") { Description = "The bundle file" };
        var mode = new Option<string>("--mode") { Description = "Diff as replace (default) or merge would apply it", DefaultValueFactory = _ => "replace" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (the API's dry-run answer)" };
        var command = new Command("diff", "Show what importing a bundle would change, and every problem; changes nothing") { file, mode, json, data, url, user, pass };
        command.SetAction((r, ct) => Run(() => ImportAsync(Get(r, data, url, user, pass), r.GetValue(file)!, r.GetValue(mode)!, r.GetValue(json), ct, dryRun: true)));
        return command;
    }

    private static Target Get(ParseResult r, Option<string?> data, Option<string?> url, Option<string> user, Option<bool> pass)
    {
        var d = r.GetValue(data);
        var u = r.GetValue(url);
        if ((d is null) == (u is null))
        {
            throw new CliError(2, "give exactly one of --data DIR (offline) or --url URL (a running box)");
        }
        return new Target(d, u, r.GetValue(user)!, r.GetValue(pass));
    }

    private static async Task<int> ExportAsync(Target target, string? output, long? generation, bool sign, CancellationToken ct)
    {
        var stdin = new StdinLines();
        byte[] bytes;
        string fileName;
        long exported;
        if (target.DataDir is { } dir)
        {
            var passphrase = Passphrase(target, stdin);
            var (service, db) = Offline(dir, mustExist: true);
            var bundle = new BundleExporter(service, new ConfigStore(db), new SigningKeyStore(db, TimeProvider.System), TimeProvider.System).Export(generation, passphrase, sign);
            (bytes, fileName, exported) = (bundle.Bytes, bundle.FileName, bundle.Generation);
        }
        else
        {
            using var http = Client(target, stdin);
            var passphrase = Passphrase(target, stdin);
            var query = new List<string>();
            if (generation is { } g)
            {
                query.Add("generation=" + g.ToString(CultureInfo.InvariantCulture));
            }
            if (!sign)
            {
                query.Add("sign=false");
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/bundle" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
            if (passphrase is not null)
            {
                request.Headers.Add("X-Bundle-Passphrase", passphrase);
            }
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return await RemoteProblem(response, ct);
            }
            bytes = await response.Content.ReadAsByteArrayAsync(ct);
            fileName = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "fulcrum-bundle.zip";
            exported = response.Headers.TryGetValues("Fulcrum-Generation", out var v) ? long.Parse(v.First(), CultureInfo.InvariantCulture) : 0;
        }
        var path = output ?? Path.GetFileName(fileName);
        await File.WriteAllBytesAsync(path, bytes, ct);
        Console.WriteLine($"exported generation {exported} to {path} ({bytes.Length} bytes)");
        return 0;
    }

    private static async Task<int> ImportAsync(Target target, FileInfo file, string modeText, bool json, CancellationToken ct, bool dryRun = false)
    {
        if (!BundleReport.TryParseMode(modeText, out var mode))
        {
            throw new CliError(2, $"--mode is replace, merge or dryRun, not '{modeText}'");
        }
        dryRun |= mode == ImportMode.DryRun;
        mode = mode == ImportMode.DryRun ? ImportMode.Replace : mode;
        var bytes = await File.ReadAllBytesAsync(file.FullName, ct);
        var stdin = new StdinLines();
        JsonElement report;
        if (target.DataDir is { } dir)
        {
            var passphrase = Passphrase(target, stdin);
            var (service, db) = Offline(dir, mustExist: false);
            var importer = new BundleImporter(service, new ConfigEditor(new ConfigValidator()), new TrustedSignerStore(db));
            BundlePlan plan;
            try
            {
                plan = importer.Plan(bytes, passphrase, mode);
            }
            catch (BundleException ex)
            {
                await Console.Error.WriteLineAsync($"fulcrum: {ex.Message} ({BundleErrors.Reason(ex.Error)})");
                return 1;
            }
            long? generation = null;
            if (plan.Valid && !dryRun && !plan.Diff.IsEmpty)
            {
                var (applied, result) = await importer.ApplyAsync(plan, Environment.UserName is { Length: > 0 } u ? $"cli:{u}" : "cli", ct);
                plan = applied;
                generation = result.Generation?.Generation;
            }
            report = JsonSerializer.SerializeToElement(BundleReport.From(plan, dryRun, generation), ConfigJson.Options);
        }
        else
        {
            using var http = Client(target, stdin);
            var passphrase = Passphrase(target, stdin);
            var query = $"mode={BundleReport.ModeName(mode)}{(dryRun ? "&dryRun=true" : "")}";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bundle?{query}") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            if (passphrase is not null)
            {
                request.Headers.Add("X-Bundle-Passphrase", passphrase);
            }
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return await RemoteProblem(response, ct, json);
            }
            report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, ConfigJson.Indented));
        }
        else
        {
            Print(report);
        }
        return report.GetProperty("valid").GetBoolean() ? 0 : 1;
    }

    private static (ConfigService Service, SqliteDatabase Db) Offline(string dataDir, bool mustExist)
    {
        if (mustExist && !File.Exists(Path.Combine(dataDir, SqliteDatabase.FileName)))
        {
            throw new CliError(2, $"no store in {Path.GetFullPath(dataDir)}");
        }
        var db = SqliteDatabase.Open(dataDir);
        var store = new ConfigStore(db);
        var service = new ConfigService(store, new ConfigEditor(new ConfigValidator()), new RuntimeModel(), TimeProvider.System, NullLogger<ConfigService>.Instance);
        service.Initialize(db.Path);
        return (service, db);
    }

    private static HttpClient Client(Target target, StdinLines stdin)
    {
        if (!Uri.TryCreate(target.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliError(2, $"--url '{target.Url}' is not an http(s) URL");
        }
        var password = Environment.GetEnvironmentVariable(PasswordEnv) is { Length: > 0 } p ? p
            : stdin.Next() ?? throw new CliError(2, $"no password: set {PasswordEnv} or give it on standard input");
        var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{target.User}:{password}")));
        return http;
    }

    private static string? Passphrase(Target target, StdinLines stdin)
    {
        if (target.PassphraseStdin)
        {
            return stdin.Next() is { Length: > 0 } line ? line : throw new CliError(2, "--passphrase-stdin: no passphrase on standard input");
        }
        return Environment.GetEnvironmentVariable(PassphraseEnv) is { Length: > 0 } p ? p : null;
    }

    private static async Task<int> RemoteProblem(HttpResponseMessage response, CancellationToken ct, bool json = false)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (json)
        {
            Console.WriteLine(text);
        }
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var reason = problem.TryGetProperty("reason", out var r) ? $" ({r.GetString()})" : "";
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.GetProperty("title").GetString();
            await Console.Error.WriteLineAsync($"fulcrum: {(int)response.StatusCode} {detail}{reason}");
            if (problem.TryGetProperty("errors", out var errors))
            {
                foreach (var e in errors.EnumerateArray())
                {
                    await Console.Error.WriteLineAsync($"  {e.GetProperty("path").GetString()}: {e.GetProperty("message").GetString()}");
                }
            }
            if (!json && problem.TryGetProperty("diff", out var diff))
            {
                PrintDiff(diff);
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"fulcrum: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden ? 2 : 1;
    }

    private static void Print(JsonElement report)
    {
        var bundle = report.GetProperty("bundle");
        var signature = report.GetProperty("signature");
        Console.WriteLine($"bundle from {bundle.GetProperty("sourceHost").GetString()} generation {bundle.GetProperty("generation").GetInt64()}, format {bundle.GetProperty("sourceFormat").GetInt32()}, keys {bundle.GetProperty("keys").GetString()}, "
            + (signature.GetProperty("signed").GetBoolean()
                ? $"signed by {(signature.GetProperty("trusted").GetBoolean() ? signature.GetProperty("signer").GetString() : "an untrusted key " + signature.GetProperty("fingerprint").GetString())}"
                : "unsigned"));
        PrintDiff(report.GetProperty("diff"));
        foreach (var e in report.GetProperty("errors").EnumerateArray())
        {
            Console.WriteLine($"error {e.GetProperty("path").GetString()}: {e.GetProperty("message").GetString()}");
        }
        var generation = report.GetProperty("generation");
        Console.WriteLine(generation.ValueKind == JsonValueKind.Number
            ? $"applied as generation {generation.GetInt64()}"
            : report.GetProperty("valid").GetBoolean() ? "nothing changed" : "refused; nothing changed");
    }

    private static void PrintDiff(JsonElement diff)
    {
        foreach (var a in diff.GetProperty("added").EnumerateArray())
        {
            Console.WriteLine($"+ {a.GetProperty("kind").GetString()}/{a.GetProperty("name").GetString()}");
        }
        foreach (var c in diff.GetProperty("changed").EnumerateArray())
        {
            Console.WriteLine($"~ {c.GetProperty("kind").GetString()}/{c.GetProperty("name").GetString()}");
            foreach (var f in c.GetProperty("fields").EnumerateArray())
            {
                Console.WriteLine($"    {f.GetProperty("path").GetString()}: {Show(f.GetProperty("old"))} -> {Show(f.GetProperty("new"))}");
            }
            if (c.TryGetProperty("sourceDiff", out var hunks) && hunks.ValueKind == JsonValueKind.Array)
            {
                foreach (var h in hunks.EnumerateArray())
                {
                    Console.WriteLine($"    @@ -{h.GetProperty("oldStart").GetInt32()},{h.GetProperty("oldLines").GetInt32()} +{h.GetProperty("newStart").GetInt32()},{h.GetProperty("newLines").GetInt32()} @@");
                    foreach (var line in h.GetProperty("lines").EnumerateArray())
                    {
                        Console.WriteLine("    " + line.GetString());
                    }
                }
            }
        }
        foreach (var r in diff.GetProperty("removed").EnumerateArray())
        {
            Console.WriteLine($"- {r.GetProperty("kind").GetString()}/{r.GetProperty("name").GetString()}");
        }
        var counts = diff.GetProperty("counts");
        Console.WriteLine($"{counts.GetProperty("added").GetInt32()} added, {counts.GetProperty("changed").GetInt32()} changed, {counts.GetProperty("removed").GetInt32()} removed");
    }

    private static string Show(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "(none)" : value.GetRawText();

    private static async Task<int> Run(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (CliError ex)
        {
            await Console.Error.WriteLineAsync($"fulcrum: {ex.Message}");
            return ex.ExitCode;
        }
        catch (BundleException ex)
        {
            await Console.Error.WriteLineAsync($"fulcrum: {ex.Message} ({BundleErrors.Reason(ex.Error)})");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StoreException or HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"fulcrum: {ex.Message}");
            return 2;
        }
    }

    /// <summary>Standard input read line by line on demand: the password first (if asked), then the passphrase.</summary>
    private sealed class StdinLines
    {
        public string? Next() => Console.In.ReadLine();
    }
}
