namespace HoMM.Benchmarks.MultiFidelity;

/// <summary>
/// The incumbent after each completed trial: virtual GPU-seconds spent, the best final accuracy
/// observed so far, and what that trial is truly worth (its accuracy without the noise; equal to
/// the observed one on nearest-row replay).
/// </summary>
public sealed record Incumbent(double GpuSeconds, double Accuracy, double TrueAccuracy);

/// <summary>
/// A study replayed on the table in virtual time: <c>workers</c> slots, each trial's points arrive
/// when the table says the real run produced them, and every decision (prune, pause, promote,
/// propose) is taken in time order, as a dispatcher with that many GPUs would take it. A resumed
/// trial pays the trainer's start-up again. GPU time is workers × elapsed time: a free slot is
/// always filled at once.
/// </summary>
/// <param name="source">What trials are replayed from.</param>
/// <param name="workers">Slots (GPUs).</param>
/// <param name="budgetGpuSeconds">The study's budget: it ends after budget / workers of virtual time.</param>
/// <param name="resumeStartup">The share of the start-up a resumed trial pays again (1: as measured; less models runs long enough for it not to matter).</param>
public sealed class Simulator(ITrialSource source, int workers, double budgetGpuSeconds, double resumeStartup = 1)
{
    private sealed record Segment(int Trial, TableRun Run, long From, long To, int Worker)
    {
        public bool Stopped { get; set; }
    }

    /// <param name="scheduler">The search method.</param>
    /// <param name="seed">The study's seed: with the sampler's, it fixes which noise each trial draws.</param>
    public List<Incumbent> Run(IScheduler scheduler, int seed)
    {
        var events = new PriorityQueue<(Segment Segment, long Step), (double Time, long Seq)>();
        var runs = new Dictionary<int, TableRun>();
        var reached = new Dictionary<int, long>();
        var history = new List<Incumbent>();
        var best = double.NegativeInfinity;
        var bestTrue = double.NegativeInfinity;
        long seq = 0;
        var endTime = budgetGpuSeconds / workers;

        void Dispatch(int worker, double now)
        {
            if (now >= endTime)
                return;
            int trial;
            long from;
            if (scheduler.NextPromotion() is { } p)
            {
                // It resumes from the checkpoint of the rung it paused at.
                (trial, from) = (p.TrialNumber, reached[p.TrialNumber]);
            }
            else
            {
                var (t, parameters) = scheduler.StartNew();
                runs[t] = source.Answer(parameters, seed, t);
                (trial, from) = (t, 0);
            }
            var run = runs[trial];
            var to = scheduler.NextStop(trial, from, run.MaxStep);
            var segment = new Segment(trial, run, from, to, worker);
            reached[trial] = to;
            foreach (var step in run.Steps)
            {
                if (step > from && step <= to)
                    events.Enqueue((segment, step), (now + run.Cost(from, step, resumeStartup), seq++));
            }
        }

        for (var w = 0; w < workers; w++)
            Dispatch(w, 0);
        while (events.TryDequeue(out var e, out var at))
        {
            var (segment, step) = e;
            if (segment.Stopped)
                continue;
            var value = segment.Run.ValueAt(step);
            var prune = scheduler.Report(segment.Trial, step, value);
            if (step == segment.Run.MaxStep)
            {
                scheduler.Complete(segment.Trial, value);
                if (value > best)
                    (best, bestTrue) = (value, segment.Run.TrueAccuracy);
                history.Add(new Incumbent(at.Time * workers, best, bestTrue));
            }
            else if (prune)
            {
                scheduler.Pruned(segment.Trial);
                segment.Stopped = true;
            }
            else if (step == segment.To)
            {
                scheduler.Paused(segment.Trial);
            }
            else
            {
                continue;
            }
            Dispatch(segment.Worker, at.Time);
        }
        DistinctRows = runs.Values.Select(r => r.Index).Distinct().Count();
        Trials = runs.Count;
        return history;
    }

    /// <summary>Of the last study: how many different table rows its trials landed on (their nearest row).</summary>
    public int DistinctRows { get; private set; }

    /// <summary>Of the last study: how many trials it started.</summary>
    public int Trials { get; private set; }
}
