using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>
/// The objective estimated on a grid over two parameters. <see cref="Z"/> rows follow
/// <see cref="Y"/>, columns <see cref="X"/>; cells with no trial nearby are NaN (drawn empty),
/// so the plot does not invent values where nothing was tried.
/// </summary>
public sealed record ContourGrid(IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<IReadOnlyList<double>> Z);

/// <summary>Complete trials placed on two parameters, with an optional interpolated grid.</summary>
public sealed record ContourInfo(
    string ObjectiveName,
    StudyDirection Direction,
    ParamAxis XParam,
    ParamAxis YParam,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    IReadOnlyList<double> Values,
    IReadOnlyList<int> TrialNumbers,
    ContourGrid? Grid);

public sealed record ContourOptions
{
    /// <summary>Grid points per numeric axis (categorical axes get one per category).</summary>
    public int GridSize { get; init; } = 40;

    /// <summary>False plots the trials only (a scatter), without the estimated grid.</summary>
    public bool Interpolate { get; init; } = true;
}

/// <summary>
/// Contour of the objective over a pair of parameters. The grid is a Gaussian-kernel weighted
/// mean of nearby trials (Nadaraya–Watson), computed in the parameters' plot space (log10 for
/// log parameters, exact match for categories). Trials are bucketed by bandwidth, so a grid costs
/// O(n + cells × trials nearby) rather than O(cells × n): 10,000 trials stay fast.
/// </summary>
public static class ContourPlot
{
    /// <summary>Cells farther than this many bandwidths from every trial are left empty.</summary>
    private const double EmptyBeyond = 2.0;

    /// <summary>
    /// Cells farther than this from every trial (in axis spans: 0.2 is a fifth of the tried range)
    /// are left empty too. With few trials the bandwidth is wide and a smooth estimate would
    /// cover the whole plane with values nobody tried; this keeps it near the trials.
    /// </summary>
    private const double EmptyBeyondSpan = 0.2;

    /// <summary>Trials farther than this many bandwidths do not contribute (weight below 1 %).</summary>
    private const double Cutoff = 3.0;

    public static ContourInfo Build(ReportStudy study, string xParam, string yParam, ContourOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentException.ThrowIfNullOrWhiteSpace(xParam);
        ArgumentException.ThrowIfNullOrWhiteSpace(yParam);
        if (xParam == yParam)
            throw new ArgumentException($"a contour needs two different parameters, got '{xParam}' twice", nameof(yParam));
        options ??= new ContourOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.GridSize, 2, nameof(options));

        var complete = study.CompleteTrials.OrderBy(t => t.Number).ToList();
        var xAxis = ParamAxis.Describe(xParam, complete);
        var yAxis = ParamAxis.Describe(yParam, complete);
        var xs = new List<double>();
        var ys = new List<double>();
        var values = new List<double>();
        var numbers = new List<int>();
        foreach (var t in complete)
        {
            if (xAxis.TryGetValue(t, out var x) && yAxis.TryGetValue(t, out var y))
            {
                xs.Add(x);
                ys.Add(y);
                values.Add(t.Value!.Value);
                numbers.Add(t.Number);
            }
        }
        var grid = options.Interpolate ? Interpolate(xAxis, yAxis, xs, ys, values, options.GridSize) : null;
        return new ContourInfo(study.ObjectiveName, study.Direction, xAxis, yAxis, xs, ys, values, numbers, grid);
    }

    /// <summary>One axis in the kernel's space: plot value → [0, 1] for numbers, the index for categories.</summary>
    private sealed class KernelAxis
    {
        public KernelAxis(ParamAxis param, IReadOnlyList<double> values, int gridSize)
        {
            Categorical = param.Scale == ParamScale.Categorical;
            Log = param.Scale == ParamScale.Log;
            if (Categorical)
            {
                Cells = param.Categories!.Count;
                GridValues = Enumerable.Range(0, Cells).Select(i => (double)i).ToArray();
                Buckets = Cells;
                return;
            }
            var t = values.Select(Transform).ToArray();
            Low = t.Min();
            Span = t.Max() - Low;
            Cells = gridSize;
            GridValues = Enumerable.Range(0, gridSize)
                .Select(i => Untransform(Low + Span * i / (gridSize - 1)))
                .ToArray();
            var u = t.Select(v => (v - Low) / Span).ToArray();
            var mean = u.Average();
            var sd = Math.Sqrt(u.Sum(v => (v - mean) * (v - mean)) / u.Length);
            // Scott's rule for two dimensions, but never finer than the grid.
            Bandwidth = Math.Max(Math.Max(sd, 0.05) * Math.Pow(u.Length, -1.0 / 6), 1.0 / (gridSize - 1));
            Buckets = (int)Math.Floor(1 / (Cutoff * Bandwidth)) + 1;
        }

        public bool Categorical { get; }
        public bool Log { get; }
        public double Low { get; }
        public double Span { get; }
        public int Cells { get; }
        public double[] GridValues { get; }
        public double Bandwidth { get; }
        public int Buckets { get; }
        /// <summary>Buckets to look at on each side: categories match only themselves.</summary>
        public int Reach => Categorical ? 0 : 1;

        public bool Degenerate => !Categorical && !(Span > 0);

        private double Transform(double v) => Log ? Math.Log10(v) : v;

        private double Untransform(double t) => Log ? Math.Pow(10, t) : t;

        public double Unit(double plotValue) => Categorical ? plotValue : (Transform(plotValue) - Low) / Span;

        public double GridUnit(int cell) => Categorical ? cell : (double)cell / (Cells - 1);

        public int Bucket(double unit) => Categorical ? (int)unit : Math.Min(Buckets - 1, (int)(unit / (Cutoff * Bandwidth)));

        /// <summary>Squared distance in axis spans; categories are 0 apart when equal, out of reach otherwise.</summary>
        public double SpanDistance2(double a, double b) => Categorical ? (a == b ? 0 : double.PositiveInfinity) : (a - b) * (a - b);

        /// <summary>Squared distance in bandwidths; categories are 0 apart when equal, out of reach otherwise.</summary>
        public double Distance2(double a, double b)
        {
            if (Categorical)
                return a == b ? 0 : double.PositiveInfinity;
            var d = (a - b) / Bandwidth;
            return d * d;
        }
    }

    internal static ContourGrid? Interpolate(ParamAxis xParam, ParamAxis yParam, IReadOnlyList<double> xs, IReadOnlyList<double> ys, IReadOnlyList<double> values, int gridSize)
    {
        if (values.Count < 3)
            return null;
        var ax = new KernelAxis(xParam, xs, gridSize);
        var ay = new KernelAxis(yParam, ys, gridSize);
        if (ax.Degenerate || ay.Degenerate)
            return null;

        var buckets = new List<int>?[ax.Buckets, ay.Buckets];
        var ux = new double[values.Count];
        var uy = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            ux[i] = ax.Unit(xs[i]);
            uy[i] = ay.Unit(ys[i]);
            (buckets[ax.Bucket(ux[i]), ay.Bucket(uy[i])] ??= []).Add(i);
        }

        var z = new double[ay.Cells][];
        for (var row = 0; row < ay.Cells; row++)
        {
            z[row] = new double[ax.Cells];
            var gy = ay.GridUnit(row);
            var by = ay.Bucket(gy);
            for (var col = 0; col < ax.Cells; col++)
            {
                var gx = ax.GridUnit(col);
                var bx = ax.Bucket(gx);
                double sumW = 0, sumWz = 0, nearest = double.PositiveInfinity, nearestSpan = double.PositiveInfinity;
                for (var i = Math.Max(0, bx - ax.Reach); i <= Math.Min(ax.Buckets - 1, bx + ax.Reach); i++)
                {
                    for (var j = Math.Max(0, by - ay.Reach); j <= Math.Min(ay.Buckets - 1, by + ay.Reach); j++)
                    {
                        if (buckets[i, j] is not { } members)
                            continue;
                        foreach (var k in members)
                        {
                            var d2 = ax.Distance2(gx, ux[k]) + ay.Distance2(gy, uy[k]);
                            if (d2 > Cutoff * Cutoff)
                                continue;
                            nearest = Math.Min(nearest, d2);
                            nearestSpan = Math.Min(nearestSpan, ax.SpanDistance2(gx, ux[k]) + ay.SpanDistance2(gy, uy[k]));
                            var w = Math.Exp(-0.5 * d2);
                            sumW += w;
                            sumWz += w * values[k];
                        }
                    }
                }
                z[row][col] = nearest <= EmptyBeyond * EmptyBeyond && nearestSpan <= EmptyBeyondSpan * EmptyBeyondSpan
                    ? sumWz / sumW
                    : double.NaN;
            }
        }
        return new ContourGrid(ax.GridValues, ay.GridValues, z);
    }

    public static Figure Render(ContourInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var traces = new List<Trace>();
        var objective = PlotStyle.Text(info.ObjectiveName);
        if (info.Grid is { } grid)
        {
            var colorBar = new ColorBar { Title = new Title(objective) };
            var reverse = PlotStyle.ReverseObjectiveScale(info.Direction);
            var hover = $"{PlotStyle.Text(info.XParam.Name)}: %{{x}}<br>{PlotStyle.Text(info.YParam.Name)}: %{{y}}<br>estimated {objective}: %{{z}}<extra></extra>";
            traces.Add(info.XParam.Scale == ParamScale.Categorical && info.YParam.Scale == ParamScale.Categorical
                ? new Heatmap
                {
                    X = grid.X.ToArray(), Y = grid.Y.ToArray(), Z = grid.Z,
                    ColorScale = PlotStyle.ObjectiveScale, ReverseScale = reverse, ColorBar = colorBar,
                    HoverTemplate = hover, Name = "mean",
                }
                : new Contour
                {
                    X = grid.X.ToArray(), Y = grid.Y.ToArray(), Z = grid.Z,
                    ColorScale = PlotStyle.ObjectiveScale, ReverseScale = reverse, ColorBar = colorBar,
                    ConnectGaps = false, HoverTemplate = hover, Name = "estimate",
                    Line = new Line { Width = 0.5 },
                });
        }
        traces.Add(PlotStyle.XY(info.Values.Count) with
        {
            Name = "trials",
            Mode = ScatterModes.Markers,
            X = info.X.ToArray(),
            Y = info.Y.ToArray(),
            Text = info.TrialNumbers.Select(n => (double)n).ToArray(),
            CustomData = info.Values.ToArray(),
            HoverTemplate = $"trial %{{text}}<br>{objective}: %{{customdata}}<extra></extra>",
            ShowLegend = false,
            Marker = info.Grid is null
                ? new Marker
                {
                    Color = info.Values.ToArray(), ColorScale = PlotStyle.ObjectiveScale, Size = 7,
                    ReverseScale = PlotStyle.ReverseObjectiveScale(info.Direction), ShowScale = true,
                    ColorBar = new ColorBar { Title = new Title(objective) },
                    Line = new Line { Color = "#444", Width = 0.5 },
                }
                : new Marker { Color = "#222", Size = 4, Opacity = info.Values.Count > 1000 ? 0.4 : 0.8 },
        });
        return new Figure(traces, new Layout
        {
            Title = new Title($"Contour: {PlotStyle.Text(info.XParam.Name)} × {PlotStyle.Text(info.YParam.Name)}"),
            XAxis = PlotStyle.AxisFor(info.XParam, info.X) with { ShowGrid = false },
            YAxis = PlotStyle.AxisFor(info.YParam, info.Y) with { ShowGrid = false },
            HoverMode = "closest",
            Margin = PlotStyle.CompactMargin,
        });
    }
}
