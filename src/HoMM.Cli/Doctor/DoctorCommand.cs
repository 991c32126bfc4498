using System.CommandLine;
using HoMM.Cli.Run;
using Spectre.Console;

namespace HoMM.Cli.Doctor;

/// <summary><c>homm-search doctor</c>: says whether this machine can run a search, and how to fix it.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check this machine: BLAS, libtorch, the libtorch homm-train loads (CUDA or not), GPUs, Fashion-MNIST, browser");
        command.SetAction(_ =>
        {
            var checks = new EnvironmentProbe(EnvironmentProbe.Paths.Debian with { HommTrain = TrainerLocator.FindHommTrain() }).Run();
            var table = new Table().AddColumns("check", "status", "detail");
            foreach (var c in checks)
            {
                table.AddRow(
                    Markup.Escape(c.Name),
                    c.Ok ? "[green]ok[/]" : "[red]missing[/]",
                    Markup.Escape(c.Fix is null ? c.Detail : $"{c.Detail} — {c.Fix}"));
            }
            AnsiConsole.Write(table);
            return checks.All(c => c.Ok || c.Name == "Chromium") ? 0 : 1;
        });
        return command;
    }
}
