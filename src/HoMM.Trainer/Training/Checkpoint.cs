using System.Buffers.Binary;
using System.Text.Json;
using HoMM.Torch.Modules;
using static HoMM.Torch.torch;

namespace HoMM.Trainer.Training;

/// <summary>
/// The trial's checkpoint, <c>checkpoint.homm</c> in the trial folder: "HOMMCKPT", an int32 length
/// and the <see cref="CheckpointState"/> as JSON, then the model's state dict and the optimizer's
/// state (TensorArchive layout). Written to a temporary file, flushed to disk and renamed over the
/// previous one, so a kill at any moment leaves either the old or the new checkpoint, never a torn one.
/// </summary>
public static class Checkpoint
{
    public const string FileName = "checkpoint.homm";

    private static readonly byte[] Magic = "HOMMCKPT"u8.ToArray();

    public static string PathIn(string trialDirectory) => Path.Combine(trialDirectory, FileName);

    public static void Save(string path, CheckpointState state, nn.Module model, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Magic);
            var meta = JsonSerializer.SerializeToUtf8Bytes(state);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, meta.Length);
            file.Write(length);
            file.Write(meta);
            model.save(file);
            optimizer.save_state_dict(file);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads the checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; returns its state.</summary>
    public static CheckpointState Load(string path, nn.Module model, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[8];
        file.ReadExactly(magic);
        if (!magic.SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a homm-train checkpoint; delete it to start the trial afresh");
        Span<byte> length = stackalloc byte[4];
        file.ReadExactly(length);
        var meta = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
        file.ReadExactly(meta);
        var state = JsonSerializer.Deserialize<CheckpointState>(meta)
            ?? throw new InvalidDataException($"{path}: empty checkpoint state");
        model.load(file);
        optimizer.load_state_dict(file);
        return state;
    }
}

/// <summary>
/// What a resumed run needs besides the tensors: the number of steps done, the running training
/// metrics since the last evaluation, the metrics of the last evaluation (a run resumed from its
/// final checkpoint reports them as its result), the training time so far, the model settings
/// it was written for (a checkpoint of another model is refused with a clear message instead of a
/// shape error) and the data split it trained on (<see cref="Data.TrainingData.Description"/>: a
/// resumption on another validation hold-out is refused, since it would train on validation images).
/// </summary>
public sealed record CheckpointState(
    long Step,
    string Model,
    double TrainLossSum,
    long TrainCorrect,
    long TrainSeen,
    long TrainSteps,
    double TrainSeconds,
    IReadOnlyDictionary<string, double>? LastMetrics = null,
    string? Data = null);
