using System.CommandLine;

namespace HoMM.Cli.Common;

/// <summary>
/// <c>--set key.path=value</c>, repeatable, on <c>run</c> and <c>validate</c>: changes the study
/// file's YAML before validation (HoMM.StudyFiles applies it; docs/running.md).
/// </summary>
internal static class SetOption
{
    /// <summary>A new option (one instance per command: System.CommandLine options have one parent).</summary>
    public static Option<string[]> Create() => new("--set")
    {
        Description = "change a value of the study file before it is validated, e.g. --set trainer.optim.steps=50 " +
            "(repeatable; any key path of the file; the value is YAML; counts for the study's identity as if written in the file)",
        HelpName = "key.path=value",
        // One value per --set, so `--set a=1 study.yaml` leaves the study file to the argument.
        AllowMultipleArgumentsPerToken = false,
    };
}
