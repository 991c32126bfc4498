using System.Globalization;
using HoMM.ImageData.Index;

namespace HoMM.Trainer.Data;

/// <summary>
/// The three sets of a run: <see cref="Train"/> (what the optimizer sees), <see cref="Validation"/>
/// (held out of the training data: the <c>val/*</c> metrics that samplers and pruners see) and
/// <see cref="Test"/> (evaluated once at the end: <c>test/*</c> in the final line only).
/// <see cref="Description"/> names the split; a checkpoint records it, so a trial cannot resume
/// on another split.
/// </summary>
public sealed record TrainingData(ImageDataset Train, ImageDataset Validation, ImageDataset Test, string Description)
{
    /// <summary>The seed of every study's validation hold-out: fixed, so all trials of a study (which may search <c>seed</c>) validate on the same images.</summary>
    public const long SplitSeed = 0;

    /// <summary>
    /// Holds <paramref name="validationSize"/> examples of <paramref name="train"/> out as the
    /// validation set by the rule image folders use too (<see cref="StratifiedHoldOut"/>: stratified
    /// by class, drawn from <paramref name="splitSeed"/> and the labels alone, never from the trial's
    /// seed, which a study may search); the test set is kept whole.
    /// </summary>
    /// <exception cref="DataException">The hold-out would leave no training or no validation example.</exception>
    public static TrainingData WithHoldOut(ImageDataset train, ImageDataset test, int validationSize, long splitSeed)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (validationSize < 1 || validationSize >= train.Count)
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture,
                $"data.val_size ({validationSize}) must be at least 1 and below the {train.Count:N0} training images, so that both the training and the validation set keep images"));
        }

        var labels = new int[train.Count];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = train.Label(i);
        var (trainIndices, validationIndices) = StratifiedHoldOut.Split(labels, train.Classes, validationSize, splitSeed);
        return new TrainingData(train.Subset(trainIndices), train.Subset(validationIndices), test,
            string.Create(CultureInfo.InvariantCulture,
                $"{train.Count} training images, {validationSize} held out for validation (split seed {splitSeed}, hold-out {Fingerprint(validationIndices)}); {test.Count} test images"));
    }

    /// <summary>FNV-1a over the held-out indices: equal descriptions mean equal hold-outs, across trials, resumes and machines.</summary>
    private static string Fingerprint(ReadOnlySpan<int> indices)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var index in indices)
        {
            for (var shift = 0; shift < 32; shift += 8)
                hash = unchecked((hash ^ (byte)(index >> shift)) * 0x100000001b3UL);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
