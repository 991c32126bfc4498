using System.Globalization;
using HoMM.ImageData;
using HoMM.ImageData.Index;
using HoMM.ImageData.Loading;
using HoMM.ImageData.Transforms;
using HoMM.TrainerSettings;

namespace HoMM.Trainer.Data;

/// <summary>
/// <c>data.dataset: imagefolder</c> through HoMM.ImageData: the cached index of <c>path</c>, a
/// stratified hold-out of <c>train/</c> as the validation set (the rule Fashion-MNIST's IDX files
/// use too), <c>val/</c> as the test set, upstream HoMM's transforms and augmentations from the
/// settings, and loaders whose batches depend only on (seed, step): a resumed run reads the same
/// images with the same augmentations as an uninterrupted one.
/// </summary>
public sealed class ImageFolderData : IRunData
{
    private readonly HoldOutSplit _split;
    private readonly ImageList _test;
    private readonly ImageTransformOptions _transform;
    private readonly ImageLoaderOptions _options;

    private ImageFolderData(ImageFolderIndex index, HoldOutSplit split, ImageTransformOptions transform, ImageLoaderOptions options, string description)
    {
        _split = split;
        _test = index.Test;
        _transform = transform;
        _options = options;
        Classes = index.Classes.Count;
        Description = description;
    }

    public int Classes { get; }

    public int Channels => 3;

    public int Side => _transform.ImageSize;

    public int BatchCapacity => _options.BatchSize;

    public string Description { get; }

    /// <summary>Images of train/ left to train on after the hold-out.</summary>
    public int TrainingImages => _split.Train.Count;

    public int ValidationImages => _split.Validation.Count;

    public int TestImages => _test.Count;

    /// <summary>
    /// Opens the folder of <paramref name="settings"/> (<c>data.*</c>), holds out
    /// <c>data.val_size</c> training images with <paramref name="splitSeed"/> (fixed for a study,
    /// never the trial's seed, which a study may search) and prepares loaders of
    /// <paramref name="workers"/> decode threads.
    /// </summary>
    /// <exception cref="DataException">The folder breaks a rule of the layout, or the hold-out would leave a class without training images.</exception>
    public static ImageFolderData Open(HommTrainerSettings settings, int workers, long splitSeed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        var data = settings.Data;
        ImageFolderIndex index;
        try
        {
            index = ImageFolderIndex.Open(data.Path);
        }
        catch (ImageDataException e)
        {
            throw new DataException(e.Message);
        }

        var images = index.Train.Count;
        var count = data.ValidationCount(images);
        if (count < 1 || count >= images)
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture,
                $"data.val_size ({Shown(data.ValSize)}) holds out {count} of the {images:N0} images of {index.Train.Folder}: both the training and the validation set must keep images; give a smaller count or a fraction such as 0.1"));
        }

        var split = index.Train.HoldOut(count, splitSeed);
        var left = split.Train.ClassCounts();
        var emptied = Enumerable.Range(0, left.Length).Where(c => left[c] == 0).ToList();
        if (emptied.Count > 0)
        {
            var all = index.Train.ClassCounts();
            throw new DataException(string.Create(CultureInfo.InvariantCulture,
                $"data.val_size ({Shown(data.ValSize)}) holds out {count} of the {images:N0} images of {index.Train.Folder} and leaves no training image in class {string.Join(", ", emptied.Take(5).Select(c => $"{index.Classes[c]} ({all[c]} images)"))}; give a smaller count or fraction"));
        }

        var transform = new ImageTransformOptions
        {
            ImageSize = data.ImageSize,
            HorizontalFlip = data.HorizontalFlip,
            RandomResizedCrop = data.RandomResizedCrop,
            RandAugmentProbability = data.RandaugmentP,
            RandAugmentMagnitude = data.RandaugmentMagnitude,
        };
        var mix = data.MixProb > 0
            ? new MixOptions { Probability = data.MixProb, MixupProbability = data.MixupProb, AlphaMixup = data.AlphaMixup, AlphaCutmix = data.AlphaCutmix }
            : null;
        var options = new ImageLoaderOptions { BatchSize = settings.Optim.Batch, Workers = workers, Seed = settings.Seed, Mix = mix };
        try
        {
            transform.Validate();
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new DataException($"image transforms: {e.Message}");
        }

        if (split.Train.Count < options.BatchSize)
        {
            throw new DataException(string.Create(CultureInfo.InvariantCulture,
                $"optim.batch ({options.BatchSize}) is larger than the {split.Train.Count:N0} training images left after the hold-out of {count} from {index.Train.Folder}: no full batch can be made; lower optim.batch or data.val_size"));
        }

        var description = string.Create(CultureInfo.InvariantCulture,
            $"image folder: {images} training images, {count} held out for validation (split seed {splitSeed}, hold-out {Fingerprint(split.Validation)}); {index.Test.Count} test images");
        return new ImageFolderData(index, split, transform, options, description);
    }

    public IBatchSource Training(long startStep) =>
        new Source(Wrap(() => ImageLoader.ForTraining(_split.Train, _transform, _options, startStep)));

    public IBatchSource Evaluation(EvaluationSet set, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var list = set == EvaluationSet.Validation ? _split.Validation : _test;
        return new Source(Wrap(() => ImageLoader.ForEvaluation(list, _transform, _options with { BatchSize = batch, Mix = null })));
    }

    public void Dispose()
    {
        // Loaders belong to their sources, which the run disposes.
    }

    private static ImageLoader Wrap(Func<ImageLoader> open)
    {
        try
        {
            return open();
        }
        catch (ImageDataException e)
        {
            throw new DataException(e.Message);
        }
    }

    private static string Shown(double? valSize) => valSize is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "auto";

    /// <summary>FNV-1a over the held-out files' relative paths: equal descriptions mean equal hold-outs, across trials, resumes and machines.</summary>
    private static string Fingerprint(ImageList held)
    {
        var hash = 0xcbf29ce484222325UL;
        for (var i = 0; i < held.Count; i++)
        {
            foreach (var c in held.RelativePath(i))
                hash = unchecked((hash ^ c) * 0x100000001b3UL);
            hash = unchecked((hash ^ '\n') * 0x100000001b3UL);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private sealed class Source(ImageLoader loader) : IBatchSource
    {
        private long _images;

        public DataStatistics Statistics
        {
            get
            {
                var s = loader.Statistics;
                return new DataStatistics(_images, s.Waited, s.CorruptImages, s.CorruptExamples);
            }
        }

        public bool TryNext(out HostBatch batch)
        {
            ImageBatch? next;
            try
            {
                next = loader.Next();
            }
            catch (ImageDataException e)
            {
                throw new DataException(e.Message);
            }

            if (next is null)
            {
                batch = default;
                return false;
            }

            _images += next.Count;
            batch = new HostBatch(next.Images, next.Labels, next.SoftTargets);
            return true;
        }

        public void Dispose() => loader.Dispose();
    }
}
