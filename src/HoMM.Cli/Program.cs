using System.CommandLine;
using HoMM.Cli.Doctor;

var root = new RootCommand("HoMM Search: hyperparameter search for High-order Moment Models");

root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(HoMM.Cli.Validate.ValidateCommand.Create());
root.Subcommands.Add(HoMM.Cli.Status.StatusCommand.Create());
root.Subcommands.Add(HoMM.Cli.Trials.TrialsCommand.Create());
root.Subcommands.Add(HoMM.Cli.Export.ExportCommand.Create());
root.Subcommands.Add(HoMM.Cli.Best.BestCommand.Create());
root.Subcommands.Add(HoMM.Cli.Report.ReportCommand.Create());
root.Subcommands.Add(HoMM.Cli.Dashboard.DashboardCommand.Create());
root.Subcommands.Add(HoMM.Cli.Worker.WorkerCommand.Create());
root.Subcommands.Add(HoMM.Cli.Data.DataCommand.Create());
root.Subcommands.Add(HoMM.Cli.Control.EnqueueCommand.Create());
root.Subcommands.Add(HoMM.Cli.Control.StopCommand.Create());
root.Subcommands.Add(HoMM.Cli.Control.DeleteCommand.Create());
root.Subcommands.Add(HoMM.Cli.Control.ImportCommand.Create());

root.Subcommands.Add(HoMM.Cli.Run.RunCommand.Create());
root.Subcommands.Add(HoMM.Cli.Service.ServiceCommand.Create());

return root.Parse(args).Invoke();
