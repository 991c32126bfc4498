using System.Net;
using HoMM.StudyFiles.Constraints;
using HoMM.TrainerSettings;

namespace HoMM.Dashboard;

/// <summary>Where the dashboard listens and who may act through it.</summary>
public sealed record DashboardOptions
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 5080;

    /// <summary>The address to bind: an IP address or <c>localhost</c>. Anything but loopback
    /// exposes the dashboard to the network, so actions then need <see cref="Token"/>.</summary>
    public string Host { get; init; } = DefaultHost;

    /// <summary>The port; 0 lets the system choose a free one (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// When set, every API call needs it (header <c>Authorization: Bearer …</c>, or the cookie the
    /// page sets when opened with <c>?token=…</c>). When null, reads are open and actions are
    /// allowed only on a loopback binding.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>The <c>dashboards/</c> folder (pages, scripts, plotly.js); found from the current and
    /// application directories when null.</summary>
    public string? AssetsRoot { get; init; }

    /// <summary>How long the study page's figures may be reused while trials keep changing
    /// (figures of a large study take a second or more to compute).</summary>
    public TimeSpan FigureRefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Counts a built-in trainer's model, so an enqueued trial that breaks <c>max_params</c> /
    /// <c>max_flops</c> is refused at once (the command wires HoMM's counter). Null: those limits are
    /// checked by the driver when the trial starts (it then fails with the reason).
    /// </summary>
    public Func<HommTrainerSettings, ModelSize>? CountModel { get; init; }

    /// <summary>
    /// Opens the Hangfire storage of a study's trial queue for Hangfire's dashboard at
    /// <c>/hangfire/{study}/</c>, or null when the study has none yet (never creates one). Null:
    /// no queue dashboard (the command wires the dispatcher's queue).
    /// </summary>
    public Func<long, Hangfire.JobStorage?>? OpenQueue { get; init; }

    /// <summary>Whether to read the running and newest studies into the caches as soon as the
    /// server starts (see <see cref="DashboardServer"/>); benchmarks turn it off to time a cold read.</summary>
    public bool Prewarm { get; init; } = true;

    /// <summary>True when <see cref="Host"/> is a loopback address (127.0.0.0/8, ::1, localhost).</summary>
    public bool IsLoopback => IsLoopbackHost(Host);

    public static bool IsLoopbackHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
