using System.CommandLine;
using HoMM.Cli.Doctor;

var root = new RootCommand("HoMM Search: hyperparameter search for High-order Moment Models");

root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(HoMM.Cli.Validate.ValidateCommand.Create());
root.Subcommands.Add(HoMM.Cli.Status.StatusCommand.Create());
root.Subcommands.Add(HoMM.Cli.Trials.TrialsCommand.Create());
root.Subcommands.Add(HoMM.Cli.Export.ExportCommand.Create());
root.Subcommands.Add(HoMM.Cli.Report.ReportCommand.Create());

var run = new Command("run", "Run (or resume) the search a study file describes");
var studyFile = new Argument<FileInfo>("study") { Description = "the study file (YAML), e.g. studies/quickstart.yaml" };
run.Arguments.Add(studyFile);
run.SetAction(parse =>
{
    // Honest until the overnight-run issue lands: nothing here pretends to search.
    Console.Error.WriteLine(
        $"homm-search run: not built yet — the search engine, trainer and dispatcher are being built " +
        $"(see README.md, 'What works today'). Study file given: {parse.GetValue(studyFile)?.FullName}");
    return 3;
});
root.Subcommands.Add(run);

return root.Parse(args).Invoke();
