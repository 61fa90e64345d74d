using System.CommandLine;
using System.Text;
using Fulcrum.Appliance.Config.Store;
using Fulcrum.Appliance.Management.Auth;

namespace Fulcrum.Appliance.Cli;

/// <summary>
/// <c>fulcrum user add NAME --role ROLE</c> and <c>fulcrum user passwd NAME</c>, on the data dir directly (works while
/// the appliance runs: the store is shared in WAL mode). The password is prompted for, or read from standard input.
/// </summary>
internal static class UserCommand
{
    public static Command Create()
    {
        var user = new Command("user", "Management users");
        user.Subcommands.Add(Add());
        user.Subcommands.Add(Passwd());
        return user;
    }

    private static Command Add()
    {
        var data = CliOptions.Data();
        var name = new Argument<string>("name") { Description = "User name" };
        var role = new Option<string>("--role") { Description = "admin | operator | auditor", DefaultValueFactory = _ => Roles.Operator };
        var description = new Option<string?>("--description") { Description = "Free text" };
        var fromStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input" };
        var command = new Command("add", "Add a user") { name, role, description, fromStdin, data };
        command.SetAction(r => Run(r.GetValue(data)!, store =>
        {
            var password = ReadPassword(r.GetValue(fromStdin));
            var u = store.Add(r.GetValue(name)!, r.GetValue(role)!, password, r.GetValue(description));
            Console.WriteLine($"user '{u.Name}' added with role {u.Role}");
        }));
        return command;
    }

    private static Command Passwd()
    {
        var data = CliOptions.Data();
        var name = new Argument<string>("name") { Description = "User name" };
        var fromStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input" };
        var command = new Command("passwd", "Set a user's password (their sessions and tokens are revoked)") { name, fromStdin, data };
        command.SetAction(r => Run(r.GetValue(data)!, store =>
        {
            var password = ReadPassword(r.GetValue(fromStdin));
            store.SetPassword(r.GetValue(name)!, password);
            new SessionStore(SqliteDatabase.Open(r.GetValue(data)!)).RevokeAll(r.GetValue(name)!);
            Console.WriteLine($"password of '{r.GetValue(name)}' changed");
        }));
        return command;
    }

    private static int Run(string dataDir, Action<UserStore> action)
    {
        try
        {
            action(new UserStore(SqliteDatabase.Open(dataDir), new PasswordHasher()));
            return 0;
        }
        catch (UserStoreException ex)
        {
            foreach (var e in ex.Errors)
            {
                Console.Error.WriteLine($"fulcrum: {e.Path}: {e.Message}");
            }
            return 1;
        }
        catch (Exception ex) when (ex is StoreException or IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"fulcrum: {ex.Message}");
            return 2;
        }
    }

    private static string ReadPassword(bool fromStdin)
    {
        if (fromStdin || Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? throw new InvalidOperationException("no password on standard input");
        }
        var first = Prompt("Password: ");
        var second = Prompt("Again: ");
        return first == second ? first : throw new InvalidOperationException("the two passwords differ");
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return text.ToString();
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
                continue;
            }
            text.Append(key.KeyChar);
        }
    }
}
