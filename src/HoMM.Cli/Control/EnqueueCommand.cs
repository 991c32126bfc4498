using System.CommandLine;
using HoMM.Cli.Common;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;
using HoMM.Storage;

namespace HoMM.Cli.Control;

/// <summary>
/// <c>homm-search enqueue &lt;study&gt; --param lr=1e-3 --param order=2 [--db]</c>: adds a Waiting
/// trial with those parameters fixed; the study's driver runs it before asking the sampler, and
/// samples the parameters left out when it starts. Checked by the study's <c>TrialRules</c>
/// (Core), the same rule as the study file's <c>enqueue</c>, the dashboard and the driver.
/// </summary>
public static class EnqueueCommand
{
    /// <summary>The parameters break the study's rules (or a --param is malformed); nothing was written.</summary>
    public const int ExitRefused = 2;

    public static Command Create()
    {
        var command = new Command("enqueue", "Add a trial with some or all parameters fixed; the rest is sampled when it starts. " +
            "Exit codes: 0 enqueued, 1 unknown study, 2 refused (each problem is printed), 4 database error");
        var study = StoreCommand.StudyArgument();
        var parameters = new Option<string[]>("--param", "-p")
        {
            Description = "a parameter value, name=value (repeat it: --param lr=1e-3 --param order=2)",
            HelpName = "name=value",
            AllowMultipleArgumentsPerToken = true,
        };
        var db = StoreOpener.CreateDbOption();
        command.Arguments.Add(study);
        command.Options.Add(parameters);
        command.Options.Add(db);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(db), parse.GetValue(study)!, parse.GetValue(parameters) ?? [],
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    public static async Task<int> RunAsync(string? db, string studyName, IReadOnlyList<string> parameters, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                await error.WriteLineAsync($"error: --param {p}: expected name=value, e.g. --param lr=1e-3");
                return ExitRefused;
            }
            if (!texts.TryAdd(p[..eq].Trim(), p[(eq + 1)..]))
            {
                await error.WriteLineAsync($"error: --param {p[..eq].Trim()} is given twice");
                return ExitRefused;
            }
        }
        return await StoreCommand.RunWithStudyAsync(db, studyName, error, async (opened, study) =>
        {
            var rules = await StoredRules.ReadAsync(opened, study, error, cancellationToken);
            // Text as each parameter's distribution reads it; an unknown name is reported by the rules.
            var values = texts.ToDictionary(
                kv => kv.Key,
                kv => (object?)(study.SearchSpace.Find(kv.Key) is { } spec ? ParameterValues.Parse(spec.Distribution, kv.Value) : kv.Value),
                StringComparer.Ordinal);
            var check = rules.Check(values);
            if (!check.IsValid)
            {
                await error.WriteLineAsync($"error: study '{study.Name}' refuses this trial:");
                foreach (var problem in check.Problems)
                    await error.WriteLineAsync($"  {problem}");
                return ExitRefused;
            }
            var trial = await opened.Store.CreateTrialAsync(study.Id, check.Values, check.Distributions, cancellationToken);
            var fixedText = check.Values.Count == 0 ? "no parameter fixed" : string.Join(", ", check.Values.Select(kv => $"{kv.Key}={ParamFormatter.Format(kv.Value)}"));
            await output.WriteLineAsync($"enqueued trial {trial.Number} of study '{study.Name}': {fixedText}" +
                (check.IsComplete ? "" : " (the other parameters are sampled when it starts)") +
                "; it runs before the sampler proposes new trials");
            return StoreCommand.ExitSuccess;
        }, cancellationToken, StoreAccess.ExistingOnly);
    }
}
