using System.Globalization;
using Handoff.Rollout.Attribution;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Live;

/// <summary>What live refinement added to the shared attribution: the refined result and notes naming the live-only causes.</summary>
/// <param name="Attribution">The failures, with causes and explanations refined.</param>
/// <param name="Notes">One sentence per live-only cause that was found (FailedPreStopHook, served before ready).</param>
public sealed record LiveAttributionResult(AttributionResult Attribution, IReadOnlyList<string> Notes);

/// <summary>Refines <see cref="FailureAttributor"/>'s causes with what only a live cluster shows.</summary>
/// <remarks>
/// <para>The shared attributor decides first (one code path with the lab). On a live cluster most apps name no
/// backend in their responses, and the EndpointSlice is the control plane, not the data plane, so this pass:</para>
/// <list type="bullet">
/// <item>names FailedPreStopHook when a failure on a pod follows that pod's failed preStop hook (the kubelet then
/// sends SIGTERM at once, so the race is SIGTERM before endpoint removal, caused by the hook);</item>
/// <item>counts a failure in flight when a pod was killed at its grace deadline (exit code 137) as killed at grace,
/// even with no backend named;</item>
/// <item>keeps a failure that starts after a pod's SIGTERM and within <see cref="DataPlaneLag"/> after the
/// EndpointSlice dropped it as SIGTERM before endpoint removal: kube-proxy, ingress controllers and cloud load
/// balancers stop sending later than the EndpointSlice changes;</item>
/// <item>keeps a failure on a pod up to <see cref="WatchLatency"/> before its inferred SIGTERM as the same race:
/// SIGTERM is placed from when the watch delivered the deletion, which is later than the deletion itself;</item>
/// <item>names "served before ready" when a failure hits a new pod (by backend, or by time when none is named)
/// before its first successful response, right after it became an endpoint: the readiness probe let traffic in
/// before the app could serve.</item>
/// </list>
/// </remarks>
public static class LiveAttribution
{
    /// <summary>How long after the EndpointSlice dropped a pod a data plane may still send to it (seed 001's small-cluster kube-proxy range tops out at 10 s).</summary>
    public static readonly TimeSpan DataPlaneLag = TimeSpan.FromSeconds(10);

    /// <summary>How late a watch may deliver a change: SIGTERM is inferred from when the deletion was seen, which lags the real deletion.</summary>
    public static readonly TimeSpan WatchLatency = TimeSpan.FromSeconds(1);

    /// <summary>How long after a new pod became an endpoint a failure still counts as "served before ready" when no backend is named.</summary>
    public static readonly TimeSpan NewPodWindow = TimeSpan.FromSeconds(5);

    /// <summary>The label of the FailedPreStopHook cause in notes and explanations.</summary>
    public const string PreStopHookFailed = "FailedPreStopHook";

    /// <summary>The label of the served-before-ready cause in notes and explanations.</summary>
    public const string ServedBeforeReady = "new pod served before it was ready";

    /// <summary>Refines <paramref name="attribution"/> with <paramref name="records"/> and the live <paramref name="events"/>.</summary>
    public static LiveAttributionResult Refine(AttributionResult attribution, IReadOnlyList<RequestRecord> records, IReadOnlyList<TimelineEvent> events)
    {
        ArgumentNullException.ThrowIfNull(attribution);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(events);
        var pods = events.Where(e => e.Pod.Length > 0)
            .GroupBy(e => e.Pod, StringComparer.Ordinal)
            .Select(g => Pod.From(g.Key, g.ToList(), records))
            .ToList();
        var refined = attribution.Failures.Select(f => Refine(f, pods)).ToList();
        var notes = new List<string>();
        AddNote(notes, refined, PreStopHookFailed,
            "{0} failed request(s) followed a FailedPreStopHook on {1}: the hook failed, so the kubelet sent SIGTERM at once, before the endpoint was removed; fix the hook (a shell-less image cannot run 'sh -c sleep', use the sleep action).");
        AddNote(notes, refined, ServedBeforeReady,
            "{0} failed request(s) hit {1} right after it became an endpoint and before it served any request: it was marked ready before it could serve; add a readiness probe that checks what the app needs.");
        return new LiveAttributionResult(new AttributionResult(refined), notes);
    }

    private static AttributedFailure Refine(AttributedFailure failure, List<Pod> pods)
    {
        var request = failure.Request;
        var slack = FailureAttributor.Slack;
        var pod = failure.Pod is { } name ? pods.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal)) : null;

        // Killed at grace, with no backend named: in flight when a pod's container died with 137.
        var killed = failure.Cause != FailureCause.Other ? null : pods.FirstOrDefault(p => p.KilledAt is { } k && request.Start <= k + slack && request.End >= k - slack
            && (pod is null || ReferenceEquals(p, pod)));
        if (killed is not null)
        {
            return failure with
            {
                Cause = FailureCause.KilledAtGrace,
                Pod = killed.Name,
                Explanation = string.Create(CultureInfo.InvariantCulture,
                    $"In flight when '{killed.Name}' was killed at its grace deadline ({killed.KilledAt!.Value.TotalSeconds:0.000} s, exit code 137)."),
            };
        }

        // FailedPreStopHook: the hook failed on the pod the failure is tied to (or, with no pod, on a pod still an endpoint).
        var hooked = pod is { PreStopFailedAt: not null } ? pod : pod is null
            ? pods.FirstOrDefault(p => p.PreStopFailedAt is { } at && request.Start >= at - slack && p.EndpointUntil(DataPlaneLag) >= request.Start)
            : null;
        if (hooked?.PreStopFailedAt is { } failedAt && request.End >= failedAt - slack
            && failure.Cause is FailureCause.SigTermBeforeEndpointRemoval or FailureCause.Other)
        {
            return failure with
            {
                Cause = FailureCause.PreStopHookFailed,
                Pod = hooked.Name,
                Explanation = string.Create(CultureInfo.InvariantCulture,
                    $"{PreStopHookFailed}: the preStop hook of '{hooked.Name}' failed at {failedAt.TotalSeconds:0.000} s, so SIGTERM came at once while it was still an endpoint. {failure.Explanation}"),
            };
        }

        if (failure.Cause != FailureCause.Other)
        {
            return failure;
        }

        // The data plane lags the EndpointSlice: after SIGTERM and shortly after the slice dropped the pod.
        var lagging = pods.FirstOrDefault(p => p.SigTermAt is { } term && request.Start >= term - slack
            && p.RemovedAt is { } removed && request.Start >= removed && request.Start <= removed + DataPlaneLag
            && (pod is null || ReferenceEquals(p, pod)));
        if (lagging is not null)
        {
            return failure with
            {
                Cause = FailureCause.SigTermBeforeEndpointRemoval,
                Pod = lagging.Name,
                Explanation = string.Create(CultureInfo.InvariantCulture,
                    $"Sent {(request.Start - lagging.RemovedAt!.Value).TotalSeconds:0.000} s after the EndpointSlice dropped '{lagging.Name}', which had its SIGTERM at {lagging.SigTermAt!.Value.TotalSeconds:0.000} s: the data plane (kube-proxy, ingress or cloud load balancer) had not caught up."),
            };
        }

        // The watch saw the deletion late: a failure on a pod shortly before its inferred SIGTERM is the same race.
        var early = pods.FirstOrDefault(p => p.SigTermAt is { } term && request.Start < term && request.Start >= term - WatchLatency
            && (pod is null ? p.RemovedAt is null || p.RemovedAt > request.Start : ReferenceEquals(p, pod)));
        if (early is not null)
        {
            return failure with
            {
                Cause = FailureCause.SigTermBeforeEndpointRemoval,
                Pod = early.Name,
                Explanation = string.Create(CultureInfo.InvariantCulture,
                    $"Sent {(early.SigTermAt!.Value - request.Start).TotalSeconds:0.000} s before the SIGTERM inferred for '{early.Name}', within the watch's delivery delay: the pod had most likely stopped already."),
            };
        }

        // Served before ready: a new pod failed before its first success, right after it became an endpoint.
        var fresh = pods.FirstOrDefault(p => p.IsNew && p.AddedAt is { } added && request.Start >= added - slack
            && request.Start < (p.FirstOkAt ?? added + NewPodWindow)
            && (pod is null || ReferenceEquals(p, pod)));
        if (fresh is not null)
        {
            var ready = fresh.ReadyAt is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r.TotalSeconds:0.000} s") : "never";
            return failure with
            {
                Cause = FailureCause.ServedBeforeReady,
                Pod = fresh.Name,
                Explanation = string.Create(CultureInfo.InvariantCulture,
                    $"{ServedBeforeReady}: '{fresh.Name}' became an endpoint at {fresh.AddedAt!.Value.TotalSeconds:0.000} s (Ready {ready}) and had served nothing yet. {failure.Explanation}"),
            };
        }

        return failure;
    }

    private static void AddNote(List<string> notes, List<AttributedFailure> failures, string label, string format)
    {
        var matching = failures.Where(f => f.Explanation.StartsWith(label, StringComparison.Ordinal)).ToList();
        if (matching.Count == 0)
        {
            return;
        }

        var pods = string.Join(", ", matching.Select(f => f.Pod).OfType<string>().Distinct(StringComparer.Ordinal).Select(p => $"'{p}'"));
        notes.Add(string.Format(CultureInfo.InvariantCulture, $"{label}: {format}", matching.Count, pods));
    }

    private sealed record Pod(
        string Name,
        bool IsNew,
        TimeSpan? ReadyAt,
        TimeSpan? AddedAt,
        TimeSpan? RemovedAt,
        TimeSpan? SigTermAt,
        TimeSpan? KilledAt,
        TimeSpan? PreStopFailedAt,
        TimeSpan? FirstOkAt)
    {
        public static Pod From(string name, List<TimelineEvent> events, IReadOnlyList<RequestRecord> records)
        {
            TimeSpan? First(TimelineEventKind kind) => events.Where(e => e.Kind == kind).Select(e => (TimeSpan?)e.At).Min();
            TimeSpan? Last(TimelineEventKind kind) => events.Where(e => e.Kind == kind).Select(e => (TimeSpan?)e.At).Max();
            var created = events.FirstOrDefault(e => e.Kind == TimelineEventKind.PodCreated);
            var isNew = created is not null && created.Detail is null;
            var added = First(TimelineEventKind.EndpointAdded);
            var firstOk = records.Where(r => !r.Failed && string.Equals(r.Backend, name, StringComparison.Ordinal))
                .Select(r => (TimeSpan?)r.Start).Min();
            return new Pod(name, isNew, First(TimelineEventKind.PodReady), added, Last(TimelineEventKind.EndpointRemoved),
                First(TimelineEventKind.SigTerm), First(TimelineEventKind.SigKill), First(TimelineEventKind.PreStopFailed), firstOk);
        }

        /// <summary>Until when the pod could still get requests: its slice removal plus the data-plane lag.</summary>
        public TimeSpan EndpointUntil(TimeSpan lag) => RemovedAt is { } removed ? removed + lag : TimeSpan.MaxValue;
    }
}
