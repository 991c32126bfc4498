using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Cli.Validate;
using HoMM.StudyFiles;

namespace HoMM.Cli.Service;

/// <summary>
/// <c>homm-search service install STUDY</c>: writes a systemd user unit that runs the study and
/// resumes it after a crash or a reboot (docs/running.md, "Overnight"). It does not start it:
/// the printed commands do, so nothing runs that the user did not see.
/// </summary>
internal static class ServiceCommand
{
    public const int ExitDone = 0;
    public const int ExitError = 1;
    public const int ExitInvalid = 2;

    public static Command Create()
    {
        var service = new Command("service", "Keep a study running unattended: generate a systemd user unit (docs/running.md, Overnight)");
        var install = new Command("install", "Write ~/.config/systemd/user/homm-<study>.service, which runs the study and resumes it after a crash or reboot; " +
            "prints how to enable it (or, without systemd, how to use tmux or nohup)");
        var file = StudyFileOptions.StudyFileArgument();
        var db = StoreOpener.CreateDbOption();
        var runs = StudyFileOptions.RunsOption();
        var set = SetOption.Create();
        var print = new Option<bool>("--print") { Description = "write the unit to stdout instead of installing it" };
        var unitDir = new Option<string?>("--unit-dir")
        {
            Description = "where to write the unit (default $XDG_CONFIG_HOME/systemd/user, i.e. ~/.config/systemd/user)",
            HelpName = "dir",
        };
        install.Arguments.Add(file);
        install.Options.Add(db);
        install.Options.Add(runs);
        install.Options.Add(set);
        install.Options.Add(print);
        install.Options.Add(unitDir);
        install.SetAction(parse => Install(
            new InstallRequest(parse.GetValue(file)!, parse.GetValue(db), parse.GetValue(runs), parse.GetValue(set) ?? [], parse.GetValue(print), parse.GetValue(unitDir)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        service.Subcommands.Add(install);
        return service;
    }

    internal sealed record InstallRequest(string StudyPath, string? Db, string? Runs, IReadOnlyList<string> Overrides, bool Print, string? UnitDirectory);

    internal static int Install(InstallRequest request, TextWriter output, TextWriter error, Func<string, string?>? environment = null, Func<string, bool>? onPath = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        onPath ??= OnPath;
        // The same checks as run: a unit that would exit 2 at every boot is refused now.
        if (StudyFile.Load(request.StudyPath, request.Overrides).Definition is not { } definition)
            return ValidateCommand.Run(request.StudyPath, output, error, request.Overrides) == ValidateCommand.ExitValid ? ExitError : ExitInvalid;
        StoreLocation db;
        try
        {
            db = StoreOpener.Parse(request.Db);
        }
        catch (StoreOpenException e)
        {
            error.WriteLine($"homm-search service install: {e.Message}");
            return ExitInvalid;
        }
        var studyFile = Path.GetFullPath(request.StudyPath);
        var spec = new ServiceSpec(definition.Name, Launcher(), studyFile, db.Value, Path.GetDirectoryName(studyFile)!)
        {
            RunsDirectory = request.Runs is null ? null : Path.GetFullPath(request.Runs),
            Overrides = request.Overrides,
        };
        var unit = ServiceUnit.Render(spec);
        if (request.Print)
        {
            output.Write(unit);
            return ExitDone;
        }

        var dir = request.UnitDirectory ?? Path.Combine(
            environment("XDG_CONFIG_HOME") is { Length: > 0 } config ? config : Path.Combine(environment("HOME") ?? "~", ".config"), "systemd", "user");
        var path = Path.Combine(dir, ServiceUnit.FileName(definition.Name));
        try
        {
            Directory.CreateDirectory(dir);
            AtomicFile.Write(path, w => w.Write(unit));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"homm-search service install: cannot write {path}: {e.Message}");
            return ExitError;
        }
        var name = ServiceUnit.FileName(definition.Name);
        output.WriteLine($"wrote {path}");
        if (db.Kind == StoreKind.PostgreSql)
            output.WriteLine("note: the unit holds the --db connection string; keep the file private (chmod 600) if it has a password");
        if (onPath("systemctl"))
        {
            output.WriteLine("start it now and at every boot:");
            output.WriteLine("  systemctl --user daemon-reload");
            output.WriteLine($"  systemctl --user enable --now {name}");
            output.WriteLine("  loginctl enable-linger \"$USER\"    # keep user services running after logout and start them at boot");
            output.WriteLine($"follow it: journalctl --user -u {name} -f   (trial folders and run.log: {RunsFolder(spec, db)})");
            output.WriteLine($"in the morning: homm-search status {Shell(definition.Name)} --db {Shell(db.Display)}");
        }
        else
        {
            output.WriteLine("systemctl is not on this machine's PATH, so the unit cannot be enabled here; keep the run going with tmux or nohup instead:");
            output.WriteLine($"  tmux new -d -s homm-{definition.Name} {string.Join(' ', spec.Launcher.Select(Shell))} run {Shell(studyFile)} --db {Shell(db.Value)}");
            output.WriteLine($"  nohup {string.Join(' ', spec.Launcher.Select(Shell))} run {Shell(studyFile)} --db {Shell(db.Value)} > {Shell(definition.Name)}.out 2>&1 &");
            output.WriteLine("after a reboot, run the same command again: the study resumes where it stopped (docs/running.md, Overnight)");
        }
        return ExitDone;
    }

    /// <summary>
    /// How the unit starts homm-search: the repository's <c>homm-search</c> script when this CLI was
    /// built by it (.build/cli/, so the unit rebuilds after a pull), else dotnet and this assembly.
    /// </summary>
    internal static IReadOnlyList<string> Launcher()
    {
        var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "homm-search"));
        if (File.Exists(script))
            return [script];
        var dll = Path.Combine(AppContext.BaseDirectory, "homm-search.dll");
        return [Environment.ProcessPath ?? "dotnet", dll];
    }

    // Where run puts trial folders by default: runs/ next to a SQLite database, else in the working directory.
    private static string RunsFolder(ServiceSpec spec, StoreLocation db) =>
        Path.Combine(spec.RunsDirectory ?? (db.Kind == StoreKind.Sqlite ? Path.Combine(Path.GetDirectoryName(db.Value)!, "runs") : Path.Combine(spec.WorkingDirectory, "runs")), spec.StudyName);

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, program)));

    // For commands printed for a POSIX shell: single quotes unless plain.
    private static string Shell(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '=' or ':' or '@')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
