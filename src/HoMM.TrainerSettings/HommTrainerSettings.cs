namespace HoMM.TrainerSettings;

/// <summary>One trial's complete settings for the built-in trainer (the schema: <see cref="HommSettings"/>).</summary>
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

/// <summary>The data: a <see cref="HommDataset"/> by name, where it is, and the image side.</summary>
public sealed record HommDataSettings(string Dataset, string Path, int ImageSize);
