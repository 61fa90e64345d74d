using System.Globalization;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Bundles;
using Fulcrum.Appliance.Config.Bundles.Signing;
using Fulcrum.Appliance.Config.Diff;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;
using Fulcrum.Appliance.Management.Auth;
using Microsoft.AspNetCore.Http.Features;

namespace Fulcrum.Appliance.Management.Endpoints;

/// <summary>
/// Bundles: export (<c>GET /api/v1/bundle</c>), import (<c>POST /api/v1/bundle?mode=</c>), the box's signing key,
/// trusted signers and the signature policy; and the generation diff (<c>GET /api/v1/config/diff</c>), which shares
/// the bundles' diff engine.
/// </summary>
public static class BundleEndpoints
{
    public const string PassphraseHeader = "X-Bundle-Passphrase";

    public static IEndpointRouteBuilder MapBundleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/bundle", Export)
            .RequireAuthorization(Policies.Read)
            .WithTags("bundles").WithName("export-bundle")
            .WithSummary("Export the current (or ?generation=N) config as a zip bundle; keys only with X-Bundle-Passphrase (admin)")
            .Produces(200, contentType: "application/zip").ProducesProblem(403).ProducesProblem(404).ProducesProblem(410);

        app.MapPost("/api/v1/bundle", Import)
            .RequireAuthorization(Policies.Admin)
            .WithTags("bundles").WithName("import-bundle")
            .WithSummary("Import a bundle (body: the zip, application/octet-stream): ?mode=dryRun|replace|merge[&dryRun=true]")
            .Produces<BundleReport>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        app.MapGet("/api/v1/bundle/signing-key", (SigningKeyStore keys) =>
            {
                var (spki, fingerprint) = keys.Public();
                return Results.Json(new { fingerprint, publicKey = SignerKeys.ToPem(spki) }, ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Read)
            .WithTags("bundles").WithName("get-signing-key").WithSummary("This box's bundle signing public key, to add as a trusted signer on other boxes");

        app.MapGet("/api/v1/bundle/signers", (TrustedSignerStore signers) =>
                Results.Json(new { requireSignature = signers.RequireSignature, signers = signers.List() }, ConfigJson.Options))
            .RequireAuthorization(Policies.Admin)
            .WithTags("bundles").WithName("list-signers").WithSummary("Trusted bundle signers and whether signatures are required");

        app.MapPost("/api/v1/bundle/signers", AddSigner)
            .RequireAuthorization(Policies.Admin)
            .WithTags("bundles").WithName("add-signer").WithSummary("Trust bundles signed by this public key")
            .AcceptsJson<AddSignerRequest>()
            .Produces<TrustedSigner>(201).ProducesProblem(400).ProducesProblem(409);

        app.MapDelete("/api/v1/bundle/signers/{name}", (string name, TrustedSignerStore signers) =>
                signers.Remove(name) ? Results.NoContent() : Problems.Create(404, "Not found", $"signer '{Short(name)}' is not trusted here"))
            .RequireAuthorization(Policies.Admin)
            .WithTags("bundles").WithName("remove-signer").WithSummary("Stop trusting a signer").ProducesProblem(404);

        app.MapGet("/api/v1/bundle/settings", (TrustedSignerStore signers) => Results.Json(new BundleSettingsView(signers.RequireSignature), ConfigJson.Options))
            .RequireAuthorization(Policies.Admin)
            .WithTags("bundles").WithName("get-bundle-settings").WithSummary("Bundle import settings");

        app.MapPut("/api/v1/bundle/settings", async (HttpContext context, TrustedSignerStore signers) =>
            {
                var body = await JsonBody.ReadAsync(context.Request, cancellationToken: context.RequestAborted);
                if (body.Error is not null)
                {
                    return body.Error;
                }
                var (settings, error) = JsonBody.Bind<BundleSettingsView>(body.Value);
                if (error is not null)
                {
                    return error;
                }
                signers.RequireSignature = settings!.RequireSignature;
                context.Items[AuditMiddleware.ItemKey] = new AuditNote(null, $"bundle requireSignature = {(settings.RequireSignature ? "true" : "false")}");
                return Results.Json(settings, ConfigJson.Options);
            })
            .RequireAuthorization(Policies.Admin)
            .WithTags("bundles").WithName("put-bundle-settings").WithSummary("Require (or not) bundles signed by a trusted signer")
            .AcceptsJson<BundleSettingsView>();

        app.MapGet("/api/v1/config/diff", ConfigDiffEndpoint)
            .RequireAuthorization(Policies.Read)
            .WithTags("config").WithName("diff-generations").WithSummary("The diff between two kept generations (?from=N&to=M; to defaults to the current)")
            .Produces<GenerationDiffView>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(410);
        return app;
    }

    private static IResult Export(HttpContext context, BundleExporter exporter, string? generation, string? sign)
    {
        long? number = null;
        if (generation is not null)
        {
            if (!long.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return Problems.Create(400, "Invalid generation", $"'{Short(generation)}' is not a generation number");
            }
            number = n;
        }
        if (sign is not null and not "true" and not "false")
        {
            return Problems.Create(400, "Invalid request", "sign is true or false");
        }
        var passphrase = Passphrase(context);
        if (passphrase is not null && Caller.Role(context) != Roles.Admin)
        {
            return Problems.Create(403, "Forbidden", "only an admin may export private keys (a passphrase was given); export without X-Bundle-Passphrase to leave them out");
        }
        try
        {
            var bundle = exporter.Export(number, passphrase, sign != "false");
            context.Response.Headers[ChangeResults.GenerationHeader] = bundle.Generation.ToString(CultureInfo.InvariantCulture);
            return Results.File(bundle.Bytes, "application/zip", bundle.FileName);
        }
        catch (BundleException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> Import(HttpContext context, BundleImporter importer, string? mode, string? dryRun)
    {
        if (!BundleReport.TryParseMode(mode, out var importMode))
        {
            return Problems.Create(400, "Invalid request", $"mode is dryRun, replace or merge, not '{Short(mode!)}'");
        }
        if (dryRun is not null and not "true" and not "false")
        {
            return Problems.Create(400, "Invalid request", "dryRun is true or false");
        }
        // mode=dryRun previews a replace; dryRun=true previews the mode given.
        var dry = importMode == ImportMode.DryRun || dryRun == "true";
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !(mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/zip", StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Create(415, "Unsupported media type", $"send the bundle file with Content-Type: application/octet-stream, not '{context.Request.ContentType}'");
        }
        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            return Problem(new BundleException(BundleError.TooLarge, $"this endpoint accepts bundles of at most {BundleLimits.MaxUploadBytes} bytes"));
        }
        if (body.Length == 0)
        {
            return Problems.Create(400, "Invalid request body", "the request has no body; send the bundle file");
        }
        BundlePlan plan;
        try
        {
            plan = importer.Plan(body, Passphrase(context), importMode);
        }
        catch (BundleException ex)
        {
            return Problem(ex);
        }
        if (!plan.Valid)
        {
            return Invalid(plan);
        }
        if (dry || plan.Diff.IsEmpty)
        {
            context.Items[AuditMiddleware.SkipKey] = true;
            return Results.Json(BundleReport.From(plan, dry, null), ConfigJson.Options);
        }
        var (applied, result) = await importer.ApplyAsync(plan, Caller.Name(context), context.RequestAborted);
        if (!result.Succeeded)
        {
            return Invalid(applied);
        }
        ChangeResults.Committed(context, result);
        return Results.Json(BundleReport.From(applied, false, result.Generation!.Generation), ConfigJson.Options);
    }

    private static IResult ConfigDiffEndpoint(string? from, string? to, ConfigService config, ConfigStore store)
    {
        if (from is null)
        {
            return Problems.Create(400, "Invalid request", "from is required: GET /api/v1/config/diff?from=N[&to=M]");
        }
        var (a, errorA) = Generation(from, config, store);
        if (errorA is not null)
        {
            return errorA;
        }
        var (b, errorB) = to is null ? (config.Current, null) : Generation(to, config, store);
        if (errorB is not null)
        {
            return errorB;
        }
        return Results.Json(new { from = a!.Info.Generation, to = b!.Info.Generation, diff = ConfigDiffer.Compare(a.Config, b.Config) }, ConfigJson.Options);
    }

    private static (StoredGeneration? Generation, IResult? Error) Generation(string text, ConfigService config, ConfigStore store)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return (null, Problems.Create(400, "Invalid generation", $"'{Short(text)}' is not a generation number"));
        }
        if (n == config.Current.Info.Generation)
        {
            return (config.Current, null);
        }
        var stored = store.Get(n);
        if (stored is not null)
        {
            return (stored, null);
        }
        return store.Info(n) is null
            ? (null, Problems.Create(404, "Not found", $"generation {n} does not exist"))
            : (null, Problems.Create(410, "Gone", $"generation {n} is older than the last {ConfigStore.KeptWhole} generations kept whole; its config is no longer kept"));
    }

    private static async Task<IResult> AddSigner(HttpContext context, TrustedSignerStore signers, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(context.Request, cancellationToken: context.RequestAborted);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (request, error) = JsonBody.Bind<AddSignerRequest>(body.Value);
        if (error is not null)
        {
            return error;
        }
        if (NameRules.Problem(request!.Name) is { } nameProblem)
        {
            return Problems.Create(400, "Invalid request body", nameProblem, [new ConfigError("name", nameProblem)]);
        }
        var spki = SignerKeys.ParseP256(request.PublicKey);
        if (spki is null)
        {
            return Problems.Create(400, "Invalid request body", "publicKey must be an ECDSA P-256 public key in PEM (BEGIN PUBLIC KEY), as GET /api/v1/bundle/signing-key shows it",
                [new ConfigError("publicKey", "not an ECDSA P-256 public key")]);
        }
        if (!signers.Add(request.Name, spki, Caller.Name(context), time.GetUtcNow()))
        {
            return Problems.Create(409, "Already exists", $"a signer named '{request.Name}' or with key {SignerKeys.Fingerprint(spki)} is already trusted");
        }
        var added = signers.List().Single(s => s.Name == request.Name);
        context.Items[AuditMiddleware.ItemKey] = new AuditNote(null, $"trust bundle signer {added.Name} ({added.Fingerprint})");
        return Results.Json(added, ConfigJson.Options, statusCode: 201);
    }

    /// <summary>The body, or null when it is larger than <see cref="BundleLimits.MaxUploadBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var max = BundleLimits.MaxUploadBytes;
        if (context.Request.ContentLength > max)
        {
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = max + 1L;
        }
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + n > max)
                {
                    return null;
                }
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    private static string? Passphrase(HttpContext context) =>
        context.Request.Headers[PassphraseHeader].ToString() is { Length: > 0 } p ? p : null;

    private static IResult Invalid(BundlePlan plan) =>
        Problems.Create(422, BundleErrors.Title(BundleError.InvalidConfig),
            $"the bundle's configuration was refused with {plan.Errors.Count} problem(s); nothing was changed", plan.Errors,
            new Dictionary<string, object?> { ["reason"] = BundleErrors.Reason(BundleError.InvalidConfig), ["diff"] = plan.Diff });

    private static IResult Problem(BundleException ex) =>
        Problems.Create(BundleErrors.Status(ex.Error), BundleErrors.Title(ex.Error), ex.Message, ex.Errors.Count > 0 ? ex.Errors : null,
            new Dictionary<string, object?> { ["reason"] = BundleErrors.Reason(ex.Error) });

    private static string Short(string s) => s.Length > 64 ? s[..64] + "…" : s;
}
