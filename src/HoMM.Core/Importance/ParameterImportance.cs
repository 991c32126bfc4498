using HoMM.Core.Numerics;
using HoMM.Core.SearchSpace;
using HoMM.Core.Trials;

namespace HoMM.Core.Importance;

/// <summary>
/// fANOVA-style parameter importance (after Hutter, Hoos and Leyton-Brown, "An Efficient
/// Approach for Assessing Hyperparameter Importance", 2014): a random forest of regression
/// trees is fitted to the finished trials, and for each tree the variance of the objective over
/// the whole search space is split into the share explained by each parameter alone (the
/// variance of its marginal, averaging every other parameter out). Shares are averaged over the
/// trees and normalised to sum to 1. Interactions are left out, so the raw shares may sum to
/// less than 1 before normalisation.
/// </summary>
public static class ParameterImportance
{
    /// <summary>Importance per parameter, highest first, summing to 1 (all 0 when the objective never varies).</summary>
    /// <param name="trials">Any trials; the complete ones with a finite value are used.</param>
    /// <param name="space">The study's search space; parameters with a single value are left out.</param>
    /// <param name="seed">Seed of the forest's bootstrap samples.</param>
    public static IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<FrozenTrial> trials, SearchSpaceDefinition space, int seed = 0) =>
        Evaluate(trials, space, new ImportanceOptions { Seed = seed });

    /// <inheritdoc cref="Evaluate(IReadOnlyList{FrozenTrial}, SearchSpaceDefinition, int)"/>
    /// <param name="trials">Any trials; the complete ones with a finite value are used.</param>
    /// <param name="space">The study's search space; parameters with a single value are left out.</param>
    /// <param name="options">Forest size, depth, seed and the parameters to rank.</param>
    /// <exception cref="ArgumentException">A parameter named in the options is not in the space.</exception>
    public static IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<FrozenTrial> trials, SearchSpaceDefinition space, ImportanceOptions? options)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(space);
        options ??= new ImportanceOptions();
        options.Validate();

        var parameters = SelectParameters(space, options);
        var usable = trials
            .Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v))
            .Where(t => parameters.All(p => !t.Params.ContainsKey(p.Name)
                                            || (t.Distributions.TryGetValue(p.Name, out var d) && d == p.Distribution)))
            .OrderBy(t => t.Number)
            .ToArray();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (parameters.Count == 0)
            return result;
        if (usable.Length < 2)
            return parameters.ToDictionary(p => p.Name, _ => 0.0, StringComparer.Ordinal);

        var features = parameters
            .Select(p => new ImportanceFeature(p, usable.Count(t => !t.Params.ContainsKey(p.Name)) / (double)usable.Length))
            .ToArray();
        var x = usable.Select(t => features.Select(f => f.Encode(t.Params.ContainsKey(f.Name) ? t.InternalParam(f.Name) : null)).ToArray()).ToArray();
        var y = usable.Select(t => t.Value!.Value).ToArray();

        var shares = new double[features.Length];
        var counted = 0;
        for (var k = 0; k < options.Trees; k++)
        {
            var sample = RegressionTree.Bootstrap(x.Length, Math.Min(x.Length, options.MaxSamplesPerTree), Rng.Derive(options.Seed, k));
            var tree = RegressionTree.Grow(x, y, sample, features, options.MaxDepth, options.MinSamplesLeaf);
            var treeShares = MarginalVarianceShares(tree, features);
            if (treeShares is null)
                continue;
            for (var j = 0; j < features.Length; j++)
                shares[j] += treeShares[j];
            counted++;
        }
        var total = shares.Sum();
        foreach (var j in Enumerable.Range(0, features.Length).OrderByDescending(j => shares[j]).ThenBy(j => j))
            result[features[j].Name] = counted > 0 && total > 0 ? shares[j] / total : 0.0;
        return result;
    }

    private static List<ParameterSpec> SelectParameters(SearchSpaceDefinition space, ImportanceOptions options)
    {
        if (options.Parameters is null)
            return space.Parameters.Where(p => !p.Distribution.IsSingle).ToList();
        var list = new List<ParameterSpec>();
        foreach (var name in options.Parameters)
        {
            list.Add(space.Find(name)
                     ?? throw new ArgumentException($"parameter '{name}' is not in the search space; it has {string.Join(", ", space.Parameters.Select(p => p.Name))}", nameof(options)));
        }
        return list;
    }

    /// <summary>
    /// For one tree, Var_j / Var for every feature j, where Var is the variance of the tree's
    /// prediction over the measure and Var_j that of its marginal in j; null when Var = 0.
    /// </summary>
    private static double[]? MarginalVarianceShares(RegressionTree tree, ImportanceFeature[] features)
    {
        var leaves = tree.Leaves();
        var d = features.Length;
        var measure = new double[leaves.Count][];
        var weight = new double[leaves.Count];
        for (var l = 0; l < leaves.Count; l++)
        {
            measure[l] = new double[d];
            weight[l] = 1;
            for (var j = 0; j < d; j++)
            {
                measure[l][j] = LeafMeasure(features[j], leaves[l], j);
                weight[l] *= measure[l][j];
            }
        }
        double mean = 0;
        for (var l = 0; l < leaves.Count; l++)
            mean += weight[l] * leaves[l].Value;
        double variance = 0;
        for (var l = 0; l < leaves.Count; l++)
            variance += weight[l] * (leaves[l].Value - mean) * (leaves[l].Value - mean);
        if (!(variance > 1e-300))
            return null;

        var shares = new double[d];
        for (var j = 0; j < d; j++)
        {
            // Contribution of each leaf to the marginal in j: its value times the measure of its
            // region in every other feature.
            var contribution = new double[leaves.Count];
            for (var l = 0; l < leaves.Count; l++)
            {
                var w = leaves[l].Value;
                for (var k = 0; k < d; k++)
                {
                    if (k != j)
                        w *= measure[l][k];
                }
                contribution[l] = w;
            }
            var f = features[j];
            double vj = 0;
            if (f.IsCategorical)
            {
                for (var c = 0; c < f.Categories; c++)
                {
                    double marginal = 0;
                    for (var l = 0; l < leaves.Count; l++)
                    {
                        if ((leaves[l].Masks[j] & (1UL << c)) != 0)
                            marginal += contribution[l];
                    }
                    vj += f.CategoryMeasure(c) * (marginal - mean) * (marginal - mean);
                }
            }
            else
            {
                var cuts = tree.Thresholds(j);
                if (cuts.Length == 0)
                    continue;
                // Cells between consecutive cuts; a leaf covers a contiguous run of cells, added
                // with a difference array.
                var delta = new double[cuts.Length + 2];
                for (var l = 0; l < leaves.Count; l++)
                {
                    var first = CellIndex(cuts, leaves[l].Low[j], lowerEnd: true);
                    var last = CellIndex(cuts, leaves[l].High[j], lowerEnd: false);
                    delta[first] += contribution[l];
                    delta[last + 1] -= contribution[l];
                }
                double marginal = 0;
                for (var c = 0; c <= cuts.Length; c++)
                {
                    marginal += delta[c];
                    var a = c == 0 ? double.NegativeInfinity : cuts[c - 1];
                    var b = c == cuts.Length ? double.PositiveInfinity : cuts[c];
                    vj += f.IntervalMeasure(a, b) * (marginal - mean) * (marginal - mean);
                }
            }
            shares[j] = vj / variance;
        }
        return shares;
    }

    /// <summary>Cell c is [cuts[c−1], cuts[c]); a leaf bound is −∞, +∞ or one of the cuts.</summary>
    private static int CellIndex(double[] cuts, double bound, bool lowerEnd)
    {
        if (double.IsNegativeInfinity(bound))
            return 0;
        if (double.IsPositiveInfinity(bound))
            return cuts.Length;
        var i = Array.BinarySearch(cuts, bound);
        // A lower bound at cuts[i] starts cell i + 1; an upper bound at cuts[i] ends cell i.
        return lowerEnd ? i + 1 : i;
    }

    private static double LeafMeasure(ImportanceFeature feature, RegressionTree.Leaf leaf, int j)
    {
        if (!feature.IsCategorical)
            return feature.IntervalMeasure(leaf.Low[j], leaf.High[j]);
        double m = 0;
        for (var c = 0; c < feature.Categories; c++)
        {
            if ((leaf.Masks[j] & (1UL << c)) != 0)
                m += feature.CategoryMeasure(c);
        }
        return m;
    }
}
