using System.CommandLine;
using System.Text.Json;
using Fulcrum.Appliance.Config;
using Fulcrum.Appliance.Config.Editing;
using Fulcrum.Appliance.Config.Model;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Config.Validation;

namespace Fulcrum.Appliance.Cli;

/// <summary><c>fulcrum config validate [--data DIR | --file CONFIG.json]</c>: runs the same validators as the API.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var data = CliOptions.Data();
        var file = new Option<FileInfo?>("--file") { Description = "Validate this config JSON (as GET /api/v1/config's 'config') instead of the stored one" };
        var validate = new Command("validate", "Validate the stored configuration, or a config file, and list every problem") { data, file };
        validate.SetAction(result => Validate(result.GetValue(data)!, result.GetValue(file)));
        return new Command("config", "Configuration commands") { validate };
    }

    private static int Validate(string dataDir, FileInfo? file)
    {
        FulcrumConfig config;
        string what;
        try
        {
            if (file is not null)
            {
                using var stream = file.OpenRead();
                config = JsonSerializer.Deserialize<FulcrumConfig>(stream, ConfigJson.Options) ?? throw new JsonException("the file holds null");
                what = file.FullName;
            }
            else
            {
                if (!File.Exists(Path.Combine(dataDir, SqliteDatabase.FileName)))
                {
                    Console.Error.WriteLine($"fulcrum: no store in {Path.GetFullPath(dataDir)}");
                    return 2;
                }
                var stored = new ConfigStore(SqliteDatabase.Open(dataDir)).Latest();
                if (stored is null)
                {
                    Console.WriteLine("the store holds no generation yet: nothing to validate");
                    return 0;
                }
                config = stored.Config;
                what = $"generation {stored.Info.Generation}";
            }
        }
        catch (JsonException ex)
        {
            Console.Error.WriteLine($"fulcrum: {JsonErrors.Describe(ex)}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StoreException)
        {
            Console.Error.WriteLine($"fulcrum: {ex.Message}");
            return 2;
        }
        var errors = new ConfigValidator().Validate(config);
        foreach (var e in errors)
        {
            Console.WriteLine($"{e.Path}: {e.Message}");
        }
        Console.WriteLine(errors.Count == 0 ? $"{what}: valid" : $"{what}: {errors.Count} problem(s)");
        return errors.Count == 0 ? 0 : 1;
    }
}
