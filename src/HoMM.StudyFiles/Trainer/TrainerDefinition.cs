using System.Globalization;

namespace HoMM.StudyFiles.Trainer;

/// <summary>How each trial is trained: the built-in HoMM trainer or a command of the user's.</summary>
public abstract record TrainerDefinition;

/// <summary>
/// The built-in trainer (<c>homm-train</c>). <see cref="Fixed"/> holds the value of every setting the
/// file gives or defaults (by setting name: dim, lr, eval_every…); <see cref="Searched"/> names the
/// settings a search-space parameter of the same name overrides. <see cref="Resolve"/> gives one
/// trial's complete settings.
/// </summary>
public sealed record HommTrainerDefinition(IReadOnlyDictionary<string, object> Fixed, IReadOnlyList<string> Searched) : TrainerDefinition
{
    /// <summary>The settings for a trial: fixed values overlaid with the trial's parameters of the same names.</summary>
    /// <exception cref="ArgumentException">A setting has no value: a required setting searched only by an inactive conditional parameter.</exception>
    public HommTrainerSettings Resolve(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        object? Get(string name) =>
            Searched.Contains(name) && parameters.TryGetValue(name, out var v) ? v : Fixed.GetValueOrDefault(name);
        int Int(string name) => Get(name) is { } v
            ? Convert.ToInt32(v, CultureInfo.InvariantCulture)
            : throw new ArgumentException($"trainer setting '{name}' has no value for this trial", nameof(parameters));
        double Real(string name) => Get(name) is { } v
            ? Convert.ToDouble(v, CultureInfo.InvariantCulture)
            : throw new ArgumentException($"trainer setting '{name}' has no value for this trial", nameof(parameters));
        string Text(string name) => Get(name) as string
            ?? throw new ArgumentException($"trainer setting '{name}' has no value for this trial", nameof(parameters));

        return new HommTrainerSettings(
            new HommModelSettings(Int("dim"), Int("layers"), Int("patch"), Int("order"), Int("order_expand"), Int("ffw_expand"), Real("dropout"), Text("pooling")),
            new HommOptimSettings(Real("lr"), Real("wd"), Int("warmup"), Int("steps"), Int("batch"), Real("clip")),
            new HommDataSettings(Text("dataset"), Text("path"), Int("image_size")),
            Int("eval_every"),
            Convert.ToInt64(Get("seed"), CultureInfo.InvariantCulture),
            Get("threads") is { } t ? Convert.ToInt32(t, CultureInfo.InvariantCulture) : null,
            Text("device"));
    }
}

/// <summary>One trial's complete settings for the built-in trainer.</summary>
/// <param name="Model">The model's shape.</param>
/// <param name="Optim">The optimiser and schedule.</param>
/// <param name="Data">The data set.</param>
/// <param name="EvalEvery">Evaluate and checkpoint every this many steps.</param>
/// <param name="Seed">Seed of initialisation and data order.</param>
/// <param name="Threads">CPU threads; null: the slot's share of the cores.</param>
/// <param name="Device">auto, cpu or cuda.</param>
public sealed record HommTrainerSettings(
    HommModelSettings Model,
    HommOptimSettings Optim,
    HommDataSettings Data,
    int EvalEvery,
    long Seed,
    int? Threads,
    string Device);

/// <summary>The HoMVision model: width, depth, patch size, moment order and expansions, dropout, pooling (cls or mean).</summary>
public sealed record HommModelSettings(int Dim, int Layers, int Patch, int Order, int OrderExpand, int FfwExpand, double Dropout, string Pooling);

/// <summary>AdamW with decoupled weight decay, linear warm-up then cosine decay, gradient clipping (0: off).</summary>
public sealed record HommOptimSettings(double Lr, double Wd, int Warmup, int Steps, int Batch, double Clip);

/// <summary>The data: <c>fashion-mnist</c> (IDX files) or <c>imagefolder</c> (one folder per class), where, and the image side.</summary>
public sealed record HommDataSettings(string Dataset, string Path, int ImageSize);

/// <summary>
/// A user's trainer: <see cref="Command"/> is started once per trial attempt with placeholders
/// filled in; it reports metrics as JSON lines on stdout (docs/custom-trainer.md).
/// </summary>
/// <param name="Command">The program and its arguments, without a shell.</param>
/// <param name="Environment">Extra environment variables (values may hold placeholders too).</param>
/// <param name="WorkingDirectory">Where the command runs; relative paths are relative to the study file's directory; null: that directory.</param>
public sealed record CommandTrainerDefinition(
    IReadOnlyList<TemplateString> Command,
    IReadOnlyDictionary<string, TemplateString> Environment,
    string? WorkingDirectory) : TrainerDefinition;
