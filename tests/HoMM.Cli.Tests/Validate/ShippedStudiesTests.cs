using HoMM.Cli.Tests.Common;
using System.Text.Json;
using HoMM.Cli.Validate;
using HoMM.Core.Samplers;
using HoMM.Core.Studies;
using HoMM.StudyFiles;
using HoMM.StudyFiles.Trainer;
using HoMM.Trainer.Config;
using HoMM.TrainerSettings;

namespace HoMM.Cli.Tests.Validate;

/// <summary>
/// Every study in studies/ (listed, so a new file is covered without editing this test) passes
/// <c>validate</c>, and homm-train's own config check accepts the settings of its enqueued trials and
/// of sampled ones: what validate accepts, the trainer runs.
/// </summary>
public sealed class ShippedStudiesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("homm-shipped-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> StudyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Repository.Root, "studies"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(StudyFiles))]
    public void ShippedStudy_PassesValidateAndHommTrainsConfigCheck(string file)
    {
        var path = Path.Combine(Repository.Root, "studies", file);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ValidateCommand.Run(path, output, error);

        var loaded = StudyFile.Load(path);
        Assert.True(exit == ValidateCommand.ExitValid, error.ToString());
        Assert.Empty(loaded.Warnings);
        var definition = loaded.Definition!;
        Assert.Equal(Path.GetFileNameWithoutExtension(file), definition.Name);
        if (definition.Trainer is not HommTrainerDefinition homm)
            return;

        var study = new Study(definition.SearchSpace, definition.Objective.Direction, new RandomSampler(seed: 11),
            options: new StudyOptions
            {
                Constraints = definition.Constraints.Expressions,
                Proposal = new ProposalOptions { AvoidDuplicatesOfRunningTrials = false },
            });
        foreach (var enqueued in definition.EnqueuedTrials)
            study.Enqueue(enqueued);
        for (var i = 0; i < definition.EnqueuedTrials.Count + 20; i++)
        {
            var trial = study.Ask();
            var config = Path.Combine(_dir, $"{trial.Number}.json");
            File.WriteAllText(config, JsonSerializer.Serialize(new { settings = HommTrainerSettingsJson.ToJson(homm.Resolve(trial.Params)) }));

            var parsed = TrainerArguments.Parse(["--config", config], _ => null);

            Assert.NotNull(parsed);
        }
    }
}
