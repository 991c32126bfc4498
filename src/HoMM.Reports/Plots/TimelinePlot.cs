using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Reports.Figures;

namespace HoMM.Reports.Plots;

/// <summary>One trial's run on one slot, from start to end (now, for a running trial).</summary>
public sealed record TimelineBar(int TrialNumber, int SlotIndex, TrialState State, DateTimeOffset Start, DateTimeOffset End, bool StillRunning);

/// <summary>
/// Trials on their slots over time: one row per slot. Without slot information the rows are
/// inferred lanes: the fewest rows in which no two trials overlap, i.e. how many ran at once.
/// </summary>
public sealed record TimelineInfo(IReadOnlyList<string> Slots, IReadOnlyList<TimelineBar> Bars, bool SlotsInferred, int TrialsNotStarted);

/// <summary>Timeline per slot (a Gantt chart coloured by state), drawn with WebGL lines so 10,000+ trials stay smooth.</summary>
public static class TimelinePlot
{
    /// <param name="study">The study.</param>
    /// <param name="now">The end of running trials' bars.</param>
    /// <param name="slotByTrial">Trial number → slot that ran it (e.g. <c>node-a/gpu1</c>); null infers lanes.</param>
    /// <param name="pausedAtByTrial">Paused trial number → when its trainer stopped at the rung; a paused trial without
    /// one ends where it started (it holds no slot, so its bar must not run on to now).</param>
    public static TimelineInfo Build(ReportStudy study, DateTimeOffset now, IReadOnlyDictionary<int, string>? slotByTrial = null,
        IReadOnlyDictionary<int, DateTimeOffset>? pausedAtByTrial = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var started = new List<(FrozenTrial Trial, DateTimeOffset Start, DateTimeOffset End, bool Running)>();
        var notStarted = 0;
        foreach (var t in study.Trials)
        {
            if (t.Started is not { } s)
            {
                notStarted++;
                continue;
            }
            var running = t.Finished is null && t.State == TrialState.Running;
            var end = t.Finished ?? (running ? now
                : t.State == TrialState.Paused ? pausedAtByTrial?.GetValueOrDefault(t.Number) ?? s
                : t.State.IsFinished() ? s : now);
            started.Add((t, s, end < s ? s : end, running));
        }
        started.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Trial.Number.CompareTo(b.Trial.Number));

        var bars = new List<TimelineBar>(started.Count);
        List<string> slots;
        if (slotByTrial is null)
        {
            slots = [];
            // Interval partitioning: reuse the lowest free lane, else open a new one. O(n log n).
            var busy = new PriorityQueue<int, DateTimeOffset>();
            var free = new SortedSet<int>();
            foreach (var (t, s, e, running) in started)
            {
                while (busy.TryPeek(out var lane, out var until) && until <= s)
                {
                    busy.Dequeue();
                    free.Add(lane);
                }
                int slot;
                if (free.Count > 0)
                {
                    slot = free.Min;
                    free.Remove(slot);
                }
                else
                {
                    slot = slots.Count;
                    slots.Add($"lane {slot + 1}");
                }
                busy.Enqueue(slot, e);
                bars.Add(new TimelineBar(t.Number, slot, t.State, s, e, running));
            }
        }
        else
        {
            const string unknown = "(no slot recorded)";
            slots = started.Select(x => slotByTrial.GetValueOrDefault(x.Trial.Number, unknown))
                .Distinct(StringComparer.Ordinal)
                .Order(NaturalComparer.Instance)
                .ToList();
            var index = slots.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);
            foreach (var (t, s, e, running) in started)
                bars.Add(new TimelineBar(t.Number, index[slotByTrial.GetValueOrDefault(t.Number, unknown)], t.State, s, e, running));
        }
        return new TimelineInfo(slots, bars, slotByTrial is null, notStarted);
    }

    private static readonly TrialState[] Layers = [TrialState.Complete, TrialState.Fail, TrialState.Pruned, TrialState.Running, TrialState.Paused, TrialState.Waiting, TrialState.Cancelled];

    public static Figure Render(TimelineInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var rows = Math.Max(1, info.Slots.Count);
        var height = Math.Clamp(110 + 26 * rows, 260, 900);
        var barWidth = Math.Clamp(0.6 * (height - 110) / rows, 2, 16);
        var traces = new List<Trace>();
        foreach (var state in Layers)
        {
            var bars = info.Bars.Where(b => b.State == state).ToList();
            if (bars.Count == 0)
                continue;
            // Each bar is a thick line from start to end; a gap (null) separates bars.
            var xs = new string?[bars.Count * 3];
            var ys = new double[bars.Count * 3];
            var text = new string?[bars.Count * 3];
            for (var i = 0; i < bars.Count; i++)
            {
                var b = bars[i];
                var label = string.Create(CultureInfo.InvariantCulture,
                    $"trial {b.TrialNumber} · {PlotStyle.NameOf(b.State)}{(b.StillRunning ? " (running)" : "")} · {Duration(b.End - b.Start)}");
                (xs[3 * i], xs[3 * i + 1], xs[3 * i + 2]) = (Date(b.Start), Date(b.End), null);
                (ys[3 * i], ys[3 * i + 1], ys[3 * i + 2]) = (b.SlotIndex, b.SlotIndex, double.NaN);
                (text[3 * i], text[3 * i + 1]) = (label, label);
            }
            traces.Add(PlotStyle.XY(bars.Count * 2) with
            {
                Name = PlotStyle.NameOf(state),
                Mode = ScatterModes.Lines,
                X = xs,
                Y = ys,
                Text = text,
                Line = new Line { Color = PlotStyle.ColorOf(state), Width = barWidth },
                HoverTemplate = "%{text}<extra></extra>",
            });
        }
        var title = info.SlotsInferred ? "Timeline (rows: trials running at the same time)" : "Timeline per slot";
        return new Figure(traces, new Layout
        {
            Title = new Title(title),
            XAxis = new Axis { Type = AxisType.Date, Title = new Title("time (UTC)") },
            YAxis = new Axis
            {
                TickVals = Enumerable.Range(0, info.Slots.Count).Select(i => (double)i).ToArray(),
                TickText = info.Slots.Select(PlotStyle.Text).ToArray<string?>(),
                Range = [info.Slots.Count - 0.5, -0.5],
                ZeroLine = false,
                ShowGrid = false,
                AutoMargin = true,
            },
            Height = height,
            HoverMode = "closest",
            // Above the plot (below it the legend would cover the date axis' second line), on the
            // left: the top right is plotly's toolbar.
            Legend = PlotStyle.LegendTopLeft(),
            Margin = PlotStyle.CompactMargin with { T = 70 },
        });
    }

    /// <summary>
    /// plotly date strings have no time zone; all times are written in UTC, to the second (a
    /// timeline of trials needs no finer, and 10,000 trials write 40,000 of these).
    /// </summary>
    internal static string Date(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A duration as people read it: "2h 05m", "3m 07s", "4.2s".</summary>
    public static string Duration(TimeSpan d) => d.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h {d.Minutes:00}m")
        : d.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes}m {d.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.#}s");
}

/// <summary>Orders slot names as people read them: gpu2 before gpu10.</summary>
internal sealed class NaturalComparer : IComparer<string>
{
    public static readonly NaturalComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
            return x is null ? (y is null ? 0 : -1) : 1;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var si = i;
                var sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                    i++;
                while (j < y.Length && char.IsAsciiDigit(y[j]))
                    j++;
                var a = x.AsSpan(si, i - si).TrimStart('0');
                var b = y.AsSpan(sj, j - sj).TrimStart('0');
                var c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
                if (c != 0)
                    return c;
            }
            else
            {
                var c = x[i].CompareTo(y[j]);
                if (c != 0)
                    return c;
                i++;
                j++;
            }
        }
        var rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }
}
