using HoMM.Core.Constraints;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Notify;

/// <summary>Binds <c>notify:</c> (see <see cref="NotifyDefinition"/>), reporting each problem at its place.</summary>
internal static class NotifyBinder
{
    public const int MaxRetries = 10;
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] Keys = ["command", "webhook", "on", "timeout", "retries", "stuck_after"];

    public static NotifyDefinition? Bind(NodeReader r, YNode node, string path)
    {
        const string Example = "{webhook: https://hooks.example.com/..., on: [new_best, trial_failed, stuck, end]}";
        if (r.Mapping(node, path, Example) is not { } map)
            return null;
        r.CheckKeys(map, path, Keys);
        var ok = true;

        List<string>? command = null;
        if (map["command"] is { } commandNode)
        {
            var p = NodeReader.Child(path, "command");
            if (commandNode is YScalar { Resolved.Kind: ScalarKind.String } line)
            {
                r.Error(commandNode, p, "command is a list of arguments, run without a shell (the event comes on its stdin); write it as " +
                                        $"[{string.Join(", ", line.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))}]");
                ok = false;
            }
            else if (r.Sequence(commandNode, p, "[scripts/notify.sh, --channel, ml]") is { } seq)
            {
                command = [];
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (r.String(seq.Items[i], NodeReader.Item(p, i), "an argument") is { } a)
                        command.Add(a);
                    else
                        ok = false;
                }
                if (seq.Items.Count == 0 || (command.Count > 0 && command[0].Trim().Length == 0))
                {
                    r.Error(seq, p, "the command is empty; give the program (and its arguments), e.g. [scripts/notify.sh]");
                    ok = false;
                }
            }
            else
            {
                ok = false;
            }
        }

        Uri? webhook = null;
        if (map["webhook"] is { } hookNode && r.String(hookNode, NodeReader.Child(path, "webhook"), "an http(s) URL") is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out webhook) || webhook.Scheme is not ("http" or "https") || webhook.Host.Length == 0)
            {
                r.Error(hookNode, NodeReader.Child(path, "webhook"), $"'{ScalarValue.Abbreviate(NodeReader.Printable(url))}' is not an http:// or https:// URL; " +
                                                                     "the events are POSTed to it as JSON, e.g. https://hooks.example.com/T000/B000");
                webhook = null;
                ok = false;
            }
        }
        else if (map["webhook"] is not null)
        {
            ok = false;
        }

        // A misspelt command/webhook key already has its "did you mean".
        if (ok && command is null && webhook is null && !r.HasMisspelling(map, "webhook") && !r.HasMisspelling(map, "command"))
        {
            r.Error(map, path, "notify needs a command (a program that reads each event as JSON on stdin), a webhook (a URL the JSON is POSTed to), or both");
            ok = false;
        }

        var events = new HashSet<NotifyEvent>(NotifyDefinition.All);
        if (map["on"] is { } onNode)
        {
            var p = NodeReader.Child(path, "on");
            var names = NotifyDefinition.All.Select(NotifyDefinition.NameOf).ToList();
            if (r.Sequence(onNode, p, "[new_best, trial_failed, stuck, end]") is { } seq)
            {
                events.Clear();
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (r.String(seq.Items[i], NodeReader.Item(p, i), "an event name") is not { } name)
                    {
                        ok = false;
                        continue;
                    }
                    var index = names.IndexOf(name);
                    if (index < 0)
                    {
                        var suggestion = NameSuggestion.Closest(name, names);
                        r.Error(seq.Items[i], NodeReader.Item(p, i), $"'{NodeReader.Printable(name)}' is not an event{(suggestion is null ? "." : $"; did you mean '{suggestion}'?")} " +
                                                                     $"Valid: {string.Join(", ", names)}");
                        ok = false;
                        continue;
                    }
                    events.Add(NotifyDefinition.All[index]);
                }
                if (seq.Items.Count == 0)
                {
                    r.Error(seq, p, $"no event is listed, so nothing would ever be sent; list some of {string.Join(", ", names)} or remove notify");
                    ok = false;
                }
            }
            else
            {
                ok = false;
            }
        }

        var timeout = NotifyDefinition.DefaultTimeout;
        if (map["timeout"] is { } timeoutNode)
        {
            var p = NodeReader.Child(path, "timeout");
            if (Quantities.Duration(r, timeoutNode, p) is not { } t)
            {
                ok = false;
            }
            else if (t <= TimeSpan.Zero || t > MaxTimeout)
            {
                r.Error(timeoutNode, p, $"timeout must be more than 0 and at most 5m (each delivery attempt waits this long, and the end of the run waits at most this long for undelivered events), not {t}");
                ok = false;
            }
            else
            {
                timeout = t;
            }
        }

        long? retries = NotifyDefinition.DefaultRetries;
        if (map["retries"] is { } retriesNode)
            ok &= (retries = r.Integer(retriesNode, NodeReader.Child(path, "retries"), 0, MaxRetries)) is not null;

        var stuckAfter = NotifyDefinition.DefaultStuckAfter;
        if (map["stuck_after"] is { } stuckNode)
        {
            var p = NodeReader.Child(path, "stuck_after");
            if (Quantities.Duration(r, stuckNode, p) is not { } s)
            {
                ok = false;
            }
            else if (s < TimeSpan.FromSeconds(1))
            {
                r.Error(stuckNode, p, $"stuck_after must be at least 1s (how long nothing may run before the study is reported stuck), not {s}");
                ok = false;
            }
            else
            {
                stuckAfter = s;
            }
        }

        return ok
            ? new NotifyDefinition(command, webhook, events) { Timeout = timeout, Retries = (int)retries!.Value, StuckAfter = stuckAfter }
            : null;
    }
}
