using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Attribution;

/// <summary>What one cause rule sees: the failed request, every pod's history, the timeline and the windows.</summary>
/// <param name="Request">The failed request.</param>
/// <param name="Pods">Every pod's history, by name.</param>
/// <param name="Events">The timeline, in time order.</param>
/// <param name="Options">The time windows.</param>
public sealed record FailureEvidence(RequestRecord Request, IReadOnlyDictionary<string, PodHistory> Pods, IReadOnlyList<TimelineEvent> Events, AttributionOptions Options)
{
    /// <summary>The pod the load balancer named for the request, when the timeline knows it.</summary>
    public PodHistory? Backend => Request.Backend is { } name && Pods.TryGetValue(name, out var pod) ? pod : null;

    /// <summary>The pod a verdict names, when the timeline knows it.</summary>
    public PodHistory? PodOf(AttributedFailure verdict) => verdict.Pod is { } name && Pods.TryGetValue(name, out var pod) ? pod : null;
}

/// <summary>One cause rule: given the evidence and the verdict so far (null before the first), a new verdict or null to pass.</summary>
/// <param name="Name">What the rule recognises (for tests and readers).</param>
/// <param name="Apply">The rule.</param>
public sealed record CauseRule(string Name, Func<FailureEvidence, AttributedFailure?, AttributedFailure?> Apply);

/// <summary>The ordered cause rules of <see cref="FailureAttributor"/>, the same for the lab and for verify.</summary>
/// <remarks>
/// <para><see cref="Decisions"/> run first and the first that matches gives the verdict (the last always matches).
/// <see cref="Refinements"/> then look at that verdict, and the first that matches replaces it: they use what a
/// timeline may hold beyond the lab's own observations (a failed preStop hook, a kill seen only as exit code 137,
/// removals seen on the control plane, SIGTERM inferred from a watch, new pods without a backend named).</para>
/// <para>A rule that depends on how an event is known says so through <see cref="TimelineOrigin"/> and
/// <see cref="PodHistory.LastRemovalByControlPlane"/>, so each applies wherever its evidence exists.</para>
/// </remarks>
public static class CauseRules
{
    /// <summary>The rules that decide a verdict, in order.</summary>
    public static IReadOnlyList<CauseRule> Decisions { get; } =
    [
        new("backend killed at grace", BackendKilledAtGrace),
        new("backend after SIGTERM", BackendAfterSigTerm),
        new("backend aborted at shutdown", BackendAbortedAtShutdown),
        new("backend in flight at SIGTERM", BackendInFlightAtSigTerm),
        new("backend exited on its own", BackendExitedOnItsOwn),
        new("backend unexplained", BackendUnexplained),
        new("no endpoints", NoEndpoints),
        new("no server", NoServer),
        new("stopped pod still an endpoint", StoppedPodStillAnEndpoint),
        new("unexplained", Unexplained),
    ];

    /// <summary>The rules that refine a verdict, in order.</summary>
    public static IReadOnlyList<CauseRule> Refinements { get; } =
    [
        new("in flight at a kill", InFlightAtAKill),
        new("failed preStop hook", FailedPreStopHook),
        new("data plane behind the EndpointSlice", DataPlaneBehindTheSlice),
        new("before an inferred SIGTERM", BeforeAnInferredSigTerm),
        new("served before ready", ServedBeforeReady),
    ];

    private static AttributedFailure? BackendKilledAtGrace(FailureEvidence e, AttributedFailure? verdict)
    {
        if (e.Backend is not { KilledAt: { } killed } pod || e.Request.End < killed - e.Options.Slack || !pod.IsEndpointAt(e.Request.Start, e.Options.Slack))
        {
            return null;
        }

        return new(e.Request, FailureCause.KilledAtGrace, pod.Name, e.Request.Start < killed
            ? $"In flight on '{pod.Name}' when it was killed at the end of its grace period."
            : $"Sent to '{pod.Name}' after it was killed and before its endpoint was removed.");
    }

    // A refused connection (a 503 from a load balancer that could not connect) never reached the app: if it ended
    // after SIGTERM it reached the pod after SIGTERM, even when the client queued it a little earlier.
    private static AttributedFailure? BackendAfterSigTerm(FailureEvidence e, AttributedFailure? verdict)
    {
        var request = e.Request;
        if (e.Backend is not { SigTermAt: { } term } pod || !(request.Start >= term - e.Options.Slack || (NeverReachedTheApp(request) && request.End >= term)) || !pod.IsEndpointAt(request.Start, e.Options.Slack))
        {
            return null;
        }

        return new(request, FailureCause.SigTermBeforeEndpointRemoval, pod.Name, pod.EndpointEndedAt is { } at
            ? $"Sent to '{pod.Name}' {Math.Max(0, (request.Start - term).TotalSeconds):0.000} s after its SIGTERM; its endpoint was removed {(at - term).TotalSeconds:0.000} s after the SIGTERM."
            : $"Sent to '{pod.Name}' after its SIGTERM; its endpoint was never removed.");
    }

    // A plain ASP.NET Core app stops on SIGTERM: Kestrel waits for what is in flight until the host's shutdown timeout,
    // aborts the rest (WebSockets, event streams and gRPC streams never finish on their own), and the process exits.
    // What was open on the pod at its SIGTERM and broke after it, before any SIGKILL, on a pod whose process stopped,
    // was cut by the app's own shutdown. The race and the kill rules run first: a request sent after SIGTERM is the
    // race, and what was still open at the SIGKILL is the kill's.
    private static AttributedFailure? BackendAbortedAtShutdown(FailureEvidence e, AttributedFailure? verdict)
    {
        var request = e.Request;
        if (e.Backend is not { SigTermAt: { } term, ExitedAt: { } exited } pod || request.Start >= term || request.End < term || !EndedAbnormally(request)
            || (pod.KilledAt is { } killed && request.End >= killed - e.Options.Slack))
        {
            return null;
        }

        var stopped = pod.KilledAt is { } kill
            ? string.Create(CultureInfo.InvariantCulture, $"it was killed only at {kill.TotalSeconds:0.000} s")
            : string.Create(CultureInfo.InvariantCulture, $"its process exited at {exited.TotalSeconds:0.000} s, no SIGKILL");
        return new(request, FailureCause.AbortedAtShutdown, pod.Name, string.Create(CultureInfo.InvariantCulture,
            $"Open on '{pod.Name}' at its SIGTERM and cut {(request.End - term).TotalSeconds:0.000} s after it ({Outcome(request)}) by the app's own shutdown ({stopped})."));
    }

    private static AttributedFailure? BackendInFlightAtSigTerm(FailureEvidence e, AttributedFailure? verdict) =>
        e.Backend is { SigTermAt: { } term } pod && e.Request.Start < term && e.Request.End >= term
            ? new(e.Request, FailureCause.Other, pod.Name, $"In flight on '{pod.Name}' at its SIGTERM and not finished by the app ({Outcome(e.Request)}).")
            : null;

    private static AttributedFailure? BackendExitedOnItsOwn(FailureEvidence e, AttributedFailure? verdict) =>
        e.Backend is { ExitedAt: { } exited, SigTermAt: null } pod && e.Request.End >= exited - e.Options.Slack && pod.IsEndpointAt(e.Request.Start, e.Options.Slack)
            ? new(e.Request, FailureCause.Other, pod.Name, $"Pod '{pod.Name}' exited on its own while it was an endpoint.")
            : null;

    private static AttributedFailure? BackendUnexplained(FailureEvidence e, AttributedFailure? verdict) =>
        e.Backend is { } pod ? new(e.Request, FailureCause.Other, pod.Name, $"{Outcome(e.Request)} from '{pod.Name}'; no pod event explains it.") : null;

    private static AttributedFailure? NoEndpoints(FailureEvidence e, AttributedFailure? verdict) =>
        FailureAttributor.EndpointsAt(e.Events, e.Request.Start) == 0
            ? new(e.Request, FailureCause.NoReadyEndpoints, null, "No endpoint was in the load balancer when the request was sent.")
            : null;

    private static AttributedFailure? NoServer(FailureEvidence e, AttributedFailure? verdict) =>
        string.Equals(e.Request.Backend, "<NOSRV>", StringComparison.Ordinal)
            ? new(e.Request, FailureCause.NoReadyEndpoints, null, "The load balancer found no usable server for the request.")
            : null;

    // No backend named: a pod that had stopped but still had its endpoint when the request started.
    private static AttributedFailure? StoppedPodStillAnEndpoint(FailureEvidence e, AttributedFailure? verdict)
    {
        var start = e.Request.Start;
        var racing = e.Pods.Values.FirstOrDefault(p => p.StoppedAt is { } stop && start >= stop - e.Options.Slack && (p.EndpointEndedAt is not { } removed || start < removed));
        return racing is null ? null : new(e.Request, FailureCause.SigTermBeforeEndpointRemoval, racing.Name, $"No backend named; pod '{racing.Name}' had stopped and was still an endpoint at the time.");
    }

    private static AttributedFailure? Unexplained(FailureEvidence e, AttributedFailure? verdict) =>
        new(e.Request, FailureCause.Other, e.Request.Backend, $"{Outcome(e.Request)}; no pod event explains it.");

    // Killed at grace where the decisions could not tell: in flight when a pod's container died with 137 (verify) or
    // got SIGKILL (the lab), for a verdict a kill may replace (below).
    private static AttributedFailure? InFlightAtAKill(FailureEvidence e, AttributedFailure? verdict)
    {
        var request = e.Request;
        if (!AKillMayReplace(request, verdict))
        {
            return null;
        }

        var named = e.PodOf(verdict);
        var killed = e.Pods.Values.FirstOrDefault(p => p.KilledAt is { } k && request.Start <= k + e.Options.Slack && request.End >= k - e.Options.Slack && (named is null || ReferenceEquals(p, named)));
        return killed is null ? null : verdict with
        {
            Cause = FailureCause.KilledAtGrace,
            Pod = killed.Name,
            Explanation = string.Create(CultureInfo.InvariantCulture, $"In flight when '{killed.Name}' was killed at its grace deadline ({killed.KilledAt!.Value.TotalSeconds:0.000} s, exit code 137)."),
        };
    }

    // What a kill may explain instead: an unexplained verdict, and the race for a request with no backend named that
    // reached the app. Without a backend the race is only read from the time (started after a SIGTERM), and an app that
    // keeps serving after SIGTERM (an in-app delay) runs such a request until the kill. A refusal or a load balancer's
    // 503 never reached the app, so for those the race stands; with a backend named, the race was read from that pod.
    private static bool AKillMayReplace(RequestRecord request, [NotNullWhen(true)] AttributedFailure? verdict) =>
        verdict is { Cause: FailureCause.Other }
        || (verdict is { Cause: FailureCause.SigTermBeforeEndpointRemoval } && request.Backend is null && !NeverReachedTheApp(request));

    // The hook failed on the pod the failure is tied to (or, with no pod, on a pod still an endpoint): the kubelet then sends SIGTERM at once.
    private static AttributedFailure? FailedPreStopHook(FailureEvidence e, AttributedFailure? verdict)
    {
        if (verdict is not { Cause: FailureCause.SigTermBeforeEndpointRemoval or FailureCause.Other })
        {
            return null;
        }

        var named = e.PodOf(verdict);
        var request = e.Request;
        var hooked = named is { PreStopFailedAt: not null } ? named : named is null
            ? e.Pods.Values.FirstOrDefault(p => p.PreStopFailedAt is { } at && request.Start >= at - e.Options.Slack && (p.LastRemovedAt is not { } removed || removed + e.Options.DataPlaneLag >= request.Start))
            : null;
        if (hooked?.PreStopFailedAt is not { } failedAt || request.End < failedAt - e.Options.Slack)
        {
            return null;
        }

        return verdict with
        {
            Cause = FailureCause.PreStopHookFailed,
            Pod = hooked.Name,
            Explanation = string.Create(CultureInfo.InvariantCulture,
                $"FailedPreStopHook: the preStop hook of '{hooked.Name}' failed at {failedAt.TotalSeconds:0.000} s, so SIGTERM came at once while it was still an endpoint. {verdict.Explanation}"),
        };
    }

    // The data plane lags the EndpointSlice: after SIGTERM and within the lag after the slice dropped the pod.
    private static AttributedFailure? DataPlaneBehindTheSlice(FailureEvidence e, AttributedFailure? verdict)
    {
        if (verdict is not { Cause: FailureCause.Other })
        {
            return null;
        }

        var named = e.PodOf(verdict);
        var start = e.Request.Start;
        var lagging = e.Pods.Values.FirstOrDefault(p => p.SigTermAt is { } term && start >= term - e.Options.Slack
            && p.LastRemovalByControlPlane && p.LastRemovedAt is { } removed && start >= removed && start <= removed + e.Options.DataPlaneLag
            && (named is null || ReferenceEquals(p, named)));
        return lagging is null ? null : verdict with
        {
            Cause = FailureCause.SigTermBeforeEndpointRemoval,
            Pod = lagging.Name,
            Explanation = string.Create(CultureInfo.InvariantCulture,
                $"Sent {(start - lagging.LastRemovedAt!.Value).TotalSeconds:0.000} s after the EndpointSlice dropped '{lagging.Name}', which had its SIGTERM at {lagging.SigTermAt!.Value.TotalSeconds:0.000} s: the data plane (kube-proxy, ingress or cloud load balancer) had not caught up."),
        };
    }

    // An inferred SIGTERM is placed from when the watch delivered the deletion, later than the deletion itself.
    private static AttributedFailure? BeforeAnInferredSigTerm(FailureEvidence e, AttributedFailure? verdict)
    {
        if (verdict is not { Cause: FailureCause.Other })
        {
            return null;
        }

        var named = e.PodOf(verdict);
        var start = e.Request.Start;
        var early = e.Pods.Values.FirstOrDefault(p => p is { SigTermAt: { } term, SigTermOrigin: TimelineOrigin.Inferred } && start < term && start >= term - e.Options.WatchLatency
            && (named is null ? p.LastRemovedAt is null || p.LastRemovedAt > start : ReferenceEquals(p, named)));
        return early is null ? null : verdict with
        {
            Cause = FailureCause.SigTermBeforeEndpointRemoval,
            Pod = early.Name,
            Explanation = string.Create(CultureInfo.InvariantCulture,
                $"Sent {(early.SigTermAt!.Value - start).TotalSeconds:0.000} s before the SIGTERM inferred for '{early.Name}', within the watch's delivery delay: the pod had most likely stopped already."),
        };
    }

    // A new pod failed before its first success, right after it became an endpoint: the readiness probe let traffic in too early.
    private static AttributedFailure? ServedBeforeReady(FailureEvidence e, AttributedFailure? verdict)
    {
        // A long-lived connection that served for a while before it failed was not refused by an unready pod.
        if (verdict is not { Cause: FailureCause.Other } || (e.Request.Unit != TrafficUnit.Request && e.Request.End - e.Request.Start > e.Options.NewPodWindow))
        {
            return null;
        }

        var named = e.PodOf(verdict);
        var start = e.Request.Start;
        var fresh = e.Pods.Values.FirstOrDefault(p => p.CreatedDuringRun && p.FirstEndpointAt is { } added && start >= added - e.Options.Slack
            && start < (p.FirstSuccessAt ?? added + e.Options.NewPodWindow)
            && (named is null || ReferenceEquals(p, named)));
        if (fresh is null)
        {
            return null;
        }

        var ready = fresh.ReadyAt is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r.TotalSeconds:0.000} s") : "never";
        return verdict with
        {
            Cause = FailureCause.ServedBeforeReady,
            Pod = fresh.Name,
            Explanation = string.Create(CultureInfo.InvariantCulture,
                $"new pod served before it was ready: '{fresh.Name}' became an endpoint at {fresh.FirstEndpointAt!.Value.TotalSeconds:0.000} s (Ready {ready}) and had served nothing yet. {verdict.Explanation}"),
        };
    }

    // A refused connection, or a 503 from a load balancer that could not connect: the app never saw it.
    private static bool NeverReachedTheApp(RequestRecord r) => r.Outcome == RequestOutcome.Refused || r.Status == 503;

    // Cut off rather than answered or timed out: a reset, a connection or stream without its close, a message lost with
    // it, or a 502 from a load balancer whose backend connection closed before the response.
    private static bool EndedAbnormally(RequestRecord r) =>
        r.Outcome is RequestOutcome.Reset or RequestOutcome.AbnormalClose or RequestOutcome.MessageLost || (r.Outcome == RequestOutcome.ServerError && r.Status == 502);

    private static string Outcome(RequestRecord r) => r.Status is { } status ? $"HTTP {status}" : r.Session is { } session ? session.Ending : r.Outcome.ToString().ToLowerInvariant();
}
