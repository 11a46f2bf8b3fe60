using System.Globalization;
using System.Text.Json;
using Handoff.Analysis.Kubernetes;
using Handoff.Rollout.Timeline;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>Turns kubectl watch events of pods, EndpointSlices and Events into the lab's timeline events.</summary>
/// <remarks>
/// <para>Times are when the watcher saw each change (offsets from the start of the run on the local clock, the
/// same clock the load generator uses), not the timestamps inside the objects: those have one-second
/// resolution and come from the cluster's clocks.</para>
/// <para>A live cluster never reports when SIGTERM reached PID 1. It is inferred: the kubelet runs the preStop
/// hook first (the Killing event marks the start), then sends SIGTERM. So SIGTERM ≈ (deletion seen, or the
/// Killing event) + the preStop duration S read from the pod spec (sleep action, exec sleep N, or the
/// 'handoff.dev/prestop-seconds' annotation); at once after a FailedPreStopHook; and never later than G, when
/// the kubelet gives a hook that is still running 2 more seconds and kills. Inferred events say so in their
/// detail. Exit code 137 on a terminating pod's container means SIGKILL at the grace deadline.</para>
/// <para>Only pods that the pod watch (the Deployment's selector) reports appear; EndpointSlice entries and
/// Events of other pods are dropped. Thread-safe: the three watch readers call <see cref="Apply"/> concurrently.</para>
/// </remarks>
public sealed class LiveTimeline : ITimelineSource
{
    /// <summary>The <see cref="TimelineEvent.DataPlane"/> of endpoint events from EndpointSlice conditions.</summary>
    public const string EndpointSlicePlane = TimelinePlanes.EndpointSlice;

    /// <summary>The prefix of every inferred event's detail.</summary>
    public const string InferredPrefix = "inferred: ";

    // The kubelet's one-off extra grace when preStop is still running at the deadline (kubelet pod_workers / kuberuntime).
    private static readonly TimeSpan PreStopOverrunGrace = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly List<TimelineEvent> _observed = [];
    private readonly Dictionary<string, PodState> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, EndpointConditions>> _slices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _podInDataPlane = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];

    /// <summary>Notes for the report: watch errors, how SIGTERM was inferred, probe failures.</summary>
    public IReadOnlyList<string> Notes
    {
        get
        {
            lock (_gate)
            {
                return [.. _notes];
            }
        }
    }

    /// <summary>The number of the Deployment's pods that are terminating and not yet deleted.</summary>
    public int TerminatingPods
    {
        get
        {
            lock (_gate)
            {
                return _pods.Values.Count(pod => pod.Known && pod.TerminatingAt is not null && !pod.Deleted);
            }
        }
    }

    /// <summary>Whether a change that starts a rollout was seen: a pod began terminating or a pod appeared after the first.</summary>
    public bool RolloutActivitySeen
    {
        get
        {
            lock (_gate)
            {
                return _pods.Values.Any(pod => pod.Known && (pod.TerminatingAt is not null || pod.CreatedDuringRun));
            }
        }
    }

    /// <summary>The names of the Deployment's pods seen so far.</summary>
    public IReadOnlyList<string> PodNames
    {
        get
        {
            lock (_gate)
            {
                return [.. _pods.Values.Where(pod => pod.Known).Select(pod => pod.Name).Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Adds a rollout-wide event (RolloutStarted, RolloutFinished).</summary>
    public void Add(TimelineEvent timelineEvent)
    {
        ArgumentNullException.ThrowIfNull(timelineEvent);
        lock (_gate)
        {
            _observed.Add(timelineEvent);
        }
    }

    /// <summary>Adds a note for the report.</summary>
    public void AddNote(string note)
    {
        lock (_gate)
        {
            _notes.Add(note);
        }
    }

    /// <summary>Applies one watch event seen at <paramref name="at"/> (offset from the start of the run).</summary>
    /// <param name="watchEvent">A Pod, EndpointSlice or Event watch entry, or an ERROR.</param>
    /// <param name="at">When the watcher read it.</param>
    /// <param name="initial">Whether it belongs to the listing taken before the run started.</param>
    public void Apply(WatchEvent watchEvent, TimeSpan at, bool initial = false)
    {
        ArgumentNullException.ThrowIfNull(watchEvent);
        lock (_gate)
        {
            if (string.Equals(watchEvent.Type, WatchEvent.Error, StringComparison.Ordinal))
            {
                _notes.Add($"A watch returned an error: {KubeJson.String(watchEvent.Object, "message") ?? watchEvent.Object.GetRawText()}");
                return;
            }

            switch (watchEvent.Kind)
            {
                case "Pod":
                    ApplyPod(watchEvent, at, initial);
                    break;
                case "EndpointSlice":
                    ApplySlice(watchEvent, at);
                    break;
                case "Event":
                    ApplyKubeEvent(watchEvent.Object, at);
                    break;
                default:
                    // BOOKMARK and other kinds carry nothing for the timeline.
                    break;
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<TimelineEvent> Snapshot()
    {
        lock (_gate)
        {
            var events = _observed
                .Where(e => e.Pod.Length == 0 || (_pods.TryGetValue(e.Pod, out var pod) && pod.Known))
                .ToList();
            foreach (var pod in _pods.Values.Where(p => p.Known && p.TerminatingAt is not null))
            {
                events.AddRange(Infer(pod));
            }

            return [.. events.OrderBy(e => e.At).ThenBy(e => e.Kind)];
        }
    }

    private void ApplyPod(WatchEvent watchEvent, TimeSpan at, bool initial)
    {
        var pod = watchEvent.Object;
        var name = KubeJson.String(pod, "metadata", "name");
        if (name is null)
        {
            return;
        }

        var state = Pod(name);
        if (!state.Known)
        {
            state.Known = true;
            state.CreatedDuringRun = !initial;
            state.Facts = PodTemplateFacts.Read(pod);
            _observed.Add(new TimelineEvent(at, TimelineEventKind.PodCreated, name, Detail: initial ? "existed before the run" : null, Origin: initial ? TimelineOrigin.PresentAtStart : TimelineOrigin.Observed));
        }

        if (string.Equals(watchEvent.Type, WatchEvent.Deleted, StringComparison.Ordinal))
        {
            state.Deleted = true;
        }

        var ready = KubeJson.Array(pod, "status", "conditions")
            .Where(c => string.Equals(KubeJson.String(c, "type"), "Ready", StringComparison.Ordinal))
            .Select(c => string.Equals(KubeJson.String(c, "status"), "True", StringComparison.Ordinal))
            .FirstOrDefault();
        if (ready && !state.Ready)
        {
            _observed.Add(new TimelineEvent(at, TimelineEventKind.PodReady, name));
        }
        else if (!ready && state.Ready && !state.Deleted)
        {
            _observed.Add(new TimelineEvent(at, TimelineEventKind.PodNotReady, name, Detail: "Ready=False"));
        }

        state.Ready = ready && !state.Deleted;

        if (state.TerminatingAt is null && KubeJson.String(pod, "metadata", "deletionTimestamp") is not null)
        {
            state.TerminatingAt = at;
            var grace = KubeJson.Number(pod, "metadata", "deletionGracePeriodSeconds") ?? state.Facts.GraceSeconds;
            state.GraceSeconds = (int)grace;
            _observed.Add(new TimelineEvent(at, TimelineEventKind.PodTerminating, name,
                Detail: string.Create(CultureInfo.InvariantCulture, $"deletionTimestamp set, grace {grace} s")));
        }

        foreach (var status in KubeJson.Array(pod, "status", "containerStatuses"))
        {
            RecordExit(state, status, at, "state");
            RecordExit(state, status, at, "lastState");
        }
    }

    private void RecordExit(PodState state, JsonElement status, TimeSpan at, string field)
    {
        if (KubeJson.Get(status, field, "terminated") is not { } terminated)
        {
            return;
        }

        var container = KubeJson.String(status, "name") ?? "?";
        var key = $"{container}/{KubeJson.String(terminated, "startedAt")}/{KubeJson.String(terminated, "finishedAt")}";
        if (!state.Exits.Add(key))
        {
            return;
        }

        var code = (int)(KubeJson.Number(terminated, "exitCode") ?? -1);
        var reason = KubeJson.String(terminated, "reason") ?? "Terminated";
        state.ExitedAt ??= at;
        if (code == 137 && !string.Equals(reason, "OOMKilled", StringComparison.Ordinal))
        {
            state.KilledAt ??= at;
        }

        _observed.Add(new TimelineEvent(at, TimelineEventKind.ContainerExited, state.Name, ExitCode: code,
            Detail: $"container '{container}' {reason}, exit code {code}"));
    }

    private void ApplySlice(WatchEvent watchEvent, TimeSpan at)
    {
        var slice = watchEvent.Object;
        var sliceName = KubeJson.String(slice, "metadata", "name") ?? string.Empty;
        var current = new Dictionary<string, EndpointConditions>(StringComparer.Ordinal);
        var deleted = string.Equals(watchEvent.Type, WatchEvent.Deleted, StringComparison.Ordinal);
        if (!deleted)
        {
            foreach (var endpoint in KubeJson.Array(slice, "endpoints"))
            {
                if (!string.Equals(KubeJson.String(endpoint, "targetRef", "kind"), "Pod", StringComparison.Ordinal)
                    || KubeJson.String(endpoint, "targetRef", "name") is not { } pod)
                {
                    continue;
                }

                // Per the EndpointSlice API, a missing ready or serving means "unknown, treat as true";
                // a missing terminating means false.
                var serving = KubeJson.Bool(endpoint, "conditions", "serving") ?? true;
                var terminating = KubeJson.Bool(endpoint, "conditions", "terminating") ?? false;
                var ready = KubeJson.Bool(endpoint, "conditions", "ready") ?? !terminating;
                current[pod] = new EndpointConditions(ready, serving, terminating);
            }
        }

        _slices.TryGetValue(sliceName, out var previous);
        if (deleted)
        {
            _slices.Remove(sliceName);
        }
        else
        {
            _slices[sliceName] = current;
        }

        var touched = current.Keys.Concat(previous?.Keys ?? Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal);
        foreach (var pod in touched)
        {
            var inDataPlane = _slices.Values.Any(s => s.TryGetValue(pod, out var c) && c.Ready);
            var was = _podInDataPlane.GetValueOrDefault(pod);
            if (inDataPlane == was)
            {
                continue;
            }

            _podInDataPlane[pod] = inDataPlane;
            var detail = current.TryGetValue(pod, out var conditions)
                ? $"slice '{sliceName}': {conditions}"
                : $"slice '{sliceName}': endpoint gone";
            _observed.Add(new TimelineEvent(at, inDataPlane ? TimelineEventKind.EndpointAdded : TimelineEventKind.EndpointRemoved,
                pod, DataPlane: EndpointSlicePlane, Detail: detail));
        }
    }

    private void ApplyKubeEvent(JsonElement kubeEvent, TimeSpan at)
    {
        if (!string.Equals(KubeJson.String(kubeEvent, "involvedObject", "kind"), "Pod", StringComparison.Ordinal)
            || KubeJson.String(kubeEvent, "involvedObject", "name") is not { } name)
        {
            return;
        }

        var reason = KubeJson.String(kubeEvent, "reason") ?? string.Empty;
        var message = KubeJson.String(kubeEvent, "message") ?? string.Empty;
        var state = Pod(name);
        switch (reason)
        {
            case "Killing":
                state.KillingAt ??= at;
                break;
            case "FailedPreStopHook":
                state.PreStopFailedAt ??= at;
                _observed.Add(new TimelineEvent(at, TimelineEventKind.PreStopFailed, name, Detail: $"FailedPreStopHook: {message}"));
                break;
            case "Unhealthy":
                state.ProbeFailures++;
                if (state.ProbeFailures == 1)
                {
                    _notes.Add($"Pod '{name}': {message}");
                }

                break;
            default:
                break;
        }
    }

    private List<TimelineEvent> Infer(PodState pod)
    {
        var inferred = new List<TimelineEvent>();
        var start = Earliest(pod.TerminatingAt, pod.KillingAt)!.Value;
        var grace = TimeSpan.FromSeconds(pod.GraceSeconds ?? pod.Facts.GraceSeconds);
        var preStop = pod.Facts.PreStopSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        var hasHook = !string.Equals(pod.Facts.PreStopSource, "none", StringComparison.Ordinal);
        var startNote = pod.KillingAt is not null && pod.KillingAt <= pod.TerminatingAt ? "Killing event" : "deletion seen";
        if (hasHook)
        {
            inferred.Add(new TimelineEvent(start, TimelineEventKind.PreStopStarted, pod.Name,
                Detail: $"{InferredPrefix}kubelet starts preStop ({pod.Facts.PreStopSource}) at the {startNote}", Origin: TimelineOrigin.Inferred));
        }

        TimeSpan? sigTerm;
        string why;
        if (pod.PreStopFailedAt is { } failed)
        {
            sigTerm = failed;
            why = "the preStop hook failed, the kubelet sends SIGTERM next";
        }
        else if (PodTermination.SigtermAfter(hasHook, pod.Facts.PreStopSeconds, grace.TotalSeconds) is { } after)
        {
            // The one Kubernetes model decides when SIGTERM comes: after the hook, cut at the grace period.
            var d = TimeSpan.FromSeconds(after);
            sigTerm = start + d;
            if (!hasHook)
            {
                why = $"no preStop hook: SIGTERM at the {startNote}";
            }
            else if (preStop is { } duration && duration >= grace)
            {
                why = string.Create(CultureInfo.InvariantCulture,
                    $"preStop {duration.TotalSeconds:0.#} s runs past the {grace.TotalSeconds:0} s grace period");
            }
            else
            {
                why = string.Create(CultureInfo.InvariantCulture, $"{startNote} + preStop {d.TotalSeconds:0.#} s ({pod.Facts.PreStopSource})");
                inferred.Add(new TimelineEvent(start + d, TimelineEventKind.PreStopFinished, pod.Name,
                    Detail: $"{InferredPrefix}{why}", Origin: TimelineOrigin.Inferred));
            }
        }
        else
        {
            sigTerm = null;
            why = $"preStop is {pod.Facts.PreStopSource}; add the '{PodTemplateFacts.PreStopAnnotation}' annotation to place SIGTERM";
        }

        if (sigTerm is { } term)
        {
            // The container cannot exit from SIGTERM before SIGTERM: an earlier exit caps the estimate.
            if (pod.ExitedAt is { } exited && exited < term)
            {
                term = exited;
                why += "; capped at the observed container exit";
            }

            inferred.Add(new TimelineEvent(term, TimelineEventKind.SigTerm, pod.Name, Detail: $"{InferredPrefix}{why}", Origin: TimelineOrigin.Inferred));
        }
        else if (!_notes.Contains(why))
        {
            _notes.Add($"Pod '{pod.Name}': SIGTERM time unknown, {why}.");
        }

        if (pod.KilledAt is { } killed)
        {
            // A live cluster reports no SIGKILL, only exit code 137 when the watch delivers the container's status: the
            // kill is placed where the kubelet's schedule puts it (SIGTERM + max(G - whole seconds of hook, 2)), or at
            // the grace period from deletion when SIGTERM's time is unknown; never after the exit was seen.
            var deadline = sigTerm is { } signalled
                ? signalled + TimeSpan.FromSeconds(PodTermination.KillDelayAfterPreStop(grace.TotalSeconds, (signalled - start).TotalSeconds))
                : start + grace + (preStop >= grace ? PreStopOverrunGrace : TimeSpan.Zero);
            var at = killed < deadline ? killed : deadline;
            inferred.Add(new TimelineEvent(at, TimelineEventKind.SigKill, pod.Name,
                Detail: string.Create(CultureInfo.InvariantCulture,
                    $"{InferredPrefix}exit code 137: killed at the kubelet's deadline, {(at - start).TotalSeconds:0.#} s after deletion (grace {grace.TotalSeconds:0} s)"), Origin: TimelineOrigin.Inferred));
        }

        return inferred;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b)
        => a is null ? b : b is null ? a : a < b ? a : b;

    private PodState Pod(string name)
    {
        if (!_pods.TryGetValue(name, out var state))
        {
            state = new PodState(name);
            _pods[name] = state;
        }

        return state;
    }

    private sealed record EndpointConditions(bool Ready, bool Serving, bool Terminating)
    {
        public override string ToString()
            => $"ready={Lower(Ready)} serving={Lower(Serving)} terminating={Lower(Terminating)}";

        private static string Lower(bool value) => value ? "true" : "false";
    }

    private sealed class PodState(string name)
    {
        public string Name { get; } = name;

        public bool Known { get; set; }

        public bool CreatedDuringRun { get; set; }

        public PodTemplateFacts Facts { get; set; } = new(PodTemplateFacts.DefaultGraceSeconds, 0, "none");

        public bool Ready { get; set; }

        public bool Deleted { get; set; }

        public int? GraceSeconds { get; set; }

        public TimeSpan? TerminatingAt { get; set; }

        public TimeSpan? KillingAt { get; set; }

        public TimeSpan? PreStopFailedAt { get; set; }

        public TimeSpan? ExitedAt { get; set; }

        public TimeSpan? KilledAt { get; set; }

        public int ProbeFailures { get; set; }

        public HashSet<string> Exits { get; } = new(StringComparer.Ordinal);
    }
}
