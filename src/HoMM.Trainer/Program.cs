using HoMM.Torch;
using HoMM.Torch.Native;
using HoMM.Trainer.Config;
using HoMM.Trainer.Data;
using HoMM.Trainer.Protocol;
using HoMM.Trainer.Training;

namespace HoMM.Trainer;

/// <summary>homm-train's entry point: exit 0 when the run completed or was stopped, 1 on a training error, 2 on a bad command line or config.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["--doctor"])
            return Doctor.DoctorReport.Write(Console.Out);
        var protocol = new ProtocolWriter(Console.Out);
        TrainerArguments? arguments;
        try
        {
            arguments = TrainerArguments.Parse(args, Environment.GetEnvironmentVariable);
        }
        catch (ConfigException e)
        {
            return Fail(protocol, e.Message, "config", 2);
        }

        if (arguments is null)
        {
            Console.Error.WriteLine(TrainerArguments.Usage);
            return 0;
        }

        // Activations above glibc's mmap threshold would otherwise be mapped and unmapped every step.
        NativeAllocator.RetainFreedMemory();
        var control = ControlReader.Start(Console.In);
        try
        {
            var threads = arguments.Settings.Threads
                ?? (int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out var t) && t > 0 ? t : Environment.ProcessorCount);
            torch.set_num_threads(threads);
            Directory.CreateDirectory(arguments.TrialDirectory);
            using var data = OpenData(arguments, threads);
            var run = new TrainingRun(arguments.Settings, data, arguments.TrialDirectory, protocol, control, Console.Error, TimeProvider.System)
            {
                ShowProgress = !Console.IsErrorRedirected,
                BenchmarkSteps = arguments.BenchmarkSteps,
            };
            var result = run.Run(arguments.Resume);
            return result.Outcome == RunOutcome.Diverged ? 1 : 0;
        }
        catch (DataException e)
        {
            return Fail(protocol, e.Message, "data", 1);
        }
        catch (TorchException e) when (e.IsOutOfMemory)
        {
            return Fail(protocol, $"out of memory: {e.Message}; lower optim.batch or the model size", "oom", 1);
        }
        catch (TorchException e)
        {
            return Fail(protocol, $"libtorch: {e.Message}", "torch", 1);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Fail(protocol, e.Message, "error", 1);
        }
    }

    /// <summary>
    /// The run's data by <c>data.dataset</c>: Fashion-MNIST's IDX files in memory, or an image folder
    /// decoded by <c>data.workers</c> threads (default: the trial's CPU threads − 1, at least 1, so
    /// that decoding and the model share the slot's cores). The validation hold-out's split seed is
    /// <see cref="TrainingData.SplitSeed"/> for both, never the trial's seed.
    /// </summary>
    private static IRunData OpenData(TrainerArguments arguments, int threads)
    {
        var settings = arguments.Settings;
        if (settings.Data.Dataset == HoMM.TrainerSettings.HommDataset.ImageFolderName)
            return ImageFolderData.Open(settings, settings.Data.Workers ?? Math.Max(1, threads - 1), TrainingData.SplitSeed);
        var (train, test) = FashionMnist.Load(arguments.DataPath);
        var data = TrainingData.WithHoldOut(train, test, settings.Data.ValidationCount(train.Count), TrainingData.SplitSeed);
        return new InMemoryData(data, settings.Optim.Batch, settings.Seed);
    }

    private static int Fail(ProtocolWriter protocol, string message, string reason, int exitCode)
    {
        Console.Error.WriteLine($"homm-train: error: {message}");
        protocol.Error(message, reason);
        return exitCode;
    }
}
