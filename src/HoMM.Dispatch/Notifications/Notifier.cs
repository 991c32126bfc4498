using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HoMM.Dispatch.Logging;
using HoMM.StudyFiles.Notify;
using Microsoft.Extensions.Logging;

namespace HoMM.Dispatch.Notifications;

/// <summary>
/// Delivers notification events (JSON objects) to the study's command and/or webhook on a
/// background loop, so the run never waits for a slow or dead receiver: <see cref="Post"/> only
/// queues. Events go out in order; a failed delivery is retried <see cref="NotifyDefinition.Retries"/>
/// times, 1 s, 2 s, 4 s… apart, each attempt bounded by <see cref="NotifyDefinition.Timeout"/>.
/// <see cref="DisposeAsync"/> gives what is still queued at most one more timeout, then drops it
/// (said in the log): the end of a run is delayed by no more than that.
/// </summary>
public sealed class Notifier : IAsyncDisposable
{
    // Events are rare (a best, a failure); a receiver down for hours must not grow memory without bound.
    private const int Capacity = 1000;

    private readonly NotifyDefinition definition;
    private readonly ILogger log;
    private readonly TimeProvider time;
    private readonly Channel<JsonObject> queue = Channel.CreateBounded<JsonObject>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private readonly CancellationTokenSource abandon = new();
    private readonly HttpClient http;
    private readonly Task loop;
    private int delivered;
    private int dropped;

    /// <param name="definition">The study's <c>notify:</c> section.</param>
    /// <param name="log">Where delivery problems are written (the run's log, <see cref="Driver.DispatchOptions.Logger"/>); never thrown.</param>
    /// <param name="time">Clock for the waits between retries.</param>
    /// <param name="handler">The HTTP handler (tests may pass one); null: a plain <see cref="SocketsHttpHandler"/>.</param>
    public Notifier(NotifyDefinition definition, ILogger log, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(log);
        this.definition = definition;
        this.log = log;
        this.time = time ?? TimeProvider.System;
        http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = definition.Timeout }) { Timeout = Timeout.InfiniteTimeSpan };
        loop = Task.Run(DeliverAllAsync);
    }

    /// <summary>Events handed to every receiver so far.</summary>
    public int Delivered => Volatile.Read(ref delivered);

    /// <summary>Events given up on (retries spent, queue full, or still queued at the end).</summary>
    public int Dropped => Volatile.Read(ref dropped);

    /// <summary>Queues an event if the study asked for its kind; returns at once.</summary>
    public void Post(NotifyEvent kind, JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!definition.Events.Contains(kind))
            return;
        if (!queue.Writer.TryWrite(payload))
            Interlocked.Increment(ref dropped);
    }

    private async Task DeliverAllAsync()
    {
        try
        {
            await foreach (var payload in queue.Reader.ReadAllAsync(abandon.Token))
            {
                var json = payload.ToJsonString();
                if (await DeliverAsync(json, payload["event"]?.GetValue<string>() ?? "event"))
                    Interlocked.Increment(ref delivered);
                else
                    Interlocked.Increment(ref dropped);
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            // The run ended and the last timeout passed: what is left is dropped.
        }
    }

    private async Task<bool> DeliverAsync(string json, string name)
    {
        var wait = TimeSpan.FromSeconds(1);
        for (var attempt = 0; ; attempt++)
        {
            var problem = await TryOnceAsync(json);
            if (problem is null)
                return true;
            if (attempt >= definition.Retries)
            {
                log.NotifyGaveUp(name, attempt + 1, problem);
                return false;
            }
            log.NotifyRetry(name, problem, wait.TotalSeconds);
            await Task.Delay(wait, time, abandon.Token);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
        }
    }

    // Null when every receiver took the event; else what went wrong.
    private async Task<string?> TryOnceAsync(string json)
    {
        var problems = new List<string>();
        if (definition.Webhook is { } url && await PostAsync(url, json) is { } webhookProblem)
            problems.Add(webhookProblem);
        if (definition.Command is { } command && await RunCommandAsync(command, json) is { } commandProblem)
            problems.Add(commandProblem);
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private async Task<string?> PostAsync(Uri url, string json)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(abandon.Token);
        attempt.CancelAfter(definition.Timeout);
        try
        {
            using var content = new StringContent(json, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await http.PostAsync(url, content, attempt.Token);
            return response.IsSuccessStatusCode ? null : $"webhook {url.Host} answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!abandon.IsCancellationRequested)
        {
            return $"webhook {url.Host} did not answer within {definition.Timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException e)
        {
            return $"webhook {url.Host}: {e.Message}";
        }
    }

    private async Task<string?> RunCommandAsync(IReadOnlyList<string> command, string json)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in command.Skip(1))
            start.ArgumentList.Add(a);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(abandon.Token);
        attempt.CancelAfter(definition.Timeout);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"command {command[0]} could not start: {e.Message}";
        }
        using (process)
        {
            try
            {
                // Output is read (and dropped) so a chatty command never blocks on a full pipe.
                var stdout = process.StandardOutput.ReadToEndAsync(attempt.Token);
                var stderr = process.StandardError.ReadToEndAsync(attempt.Token);
                await process.StandardInput.WriteAsync(json.AsMemory(), attempt.Token);
                process.StandardInput.Close();
                await process.WaitForExitAsync(attempt.Token);
                var errors = await stderr;
                await stdout;
                return process.ExitCode == 0 ? null : $"command {command[0]} exited with {process.ExitCode}{(errors.Length > 0 ? ": " + errors.Trim().Split('\n')[^1] : "")}";
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                process.Kill(entireProcessTree: true);
                return e is OperationCanceledException && !abandon.IsCancellationRequested
                    ? $"command {command[0]} did not finish within {definition.Timeout.TotalSeconds:0.#} s"
                    : $"command {command[0]}: {e.Message}";
            }
        }
    }

    /// <summary>Stops taking events and waits at most one timeout for the queued ones to go out.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        if (await Task.WhenAny(loop, Task.Delay(definition.Timeout, time)) != loop)
        {
            await abandon.CancelAsync();
            var left = 0;
            while (queue.Reader.TryRead(out _))
                left++;
            Interlocked.Add(ref dropped, left);
            log.NotifyDropped(left, definition.Timeout.TotalSeconds);
        }
        await loop;
        http.Dispose();
        abandon.Dispose();
    }
}
