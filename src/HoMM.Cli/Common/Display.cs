using System.Globalization;
using HoMM.Core.Trials;
using HoMM.Storage;
using HoMM.Reports.Plots;

namespace HoMM.Cli.Common;

/// <summary>How the commands write values for people (export writes full precision instead).</summary>
internal static class Display
{
    public static string Value(double? value) => value is { } v ? ReadableNumber.Format(v) : "";

    /// <summary>A parameter for reading: floats to 5 significant digits (0.0075203, not 0.007520287888129182).</summary>
    public static string Param(object? value) => ReadableNumber.Format(value);

    public static string Duration(TimeSpan? duration) => duration is { } d ? TimelinePlot.Duration(d) : "";

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    public static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A size in bytes with a binary unit: 512 B, 3.4 MiB, 1.2 GiB.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    /// <summary>The state's name as the commands accept it in <c>--state</c> ("failed" for Fail, as the reports say).</summary>
    public static string State(TrialState state) => PlotStyle.NameOf(state);

    public static string Direction(StudyDirection direction) => direction == StudyDirection.Minimize ? "minimize" : "maximize";

    /// <summary>"maximize val/acc, minimize info/flops": every objective of the study.</summary>
    public static string Objectives(StudyRecord study) =>
        string.Join(", ", study.Objectives.Select(o => $"{Direction(o.Direction)} {o.Metric}"));

    /// <summary>How long a trial ran (a running one: up to <paramref name="now"/>); null when it never started.</summary>
    public static TimeSpan? RunTime(FrozenTrial trial, DateTimeOffset now) =>
        trial.Started is not { } s ? null
        : trial.Finished is { } f ? f - s
        : trial.State.IsFinished() ? null
        : now - s;
}
