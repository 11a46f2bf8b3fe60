using System.Globalization;
using Handoff.Rollout.Load;

namespace Handoff.Rollout.Attribution;

/// <summary>Why a request failed, read from the rollout's timeline.</summary>
public enum FailureCause
{
    /// <summary>Sent to a pod after it got SIGTERM (or its process ended) and before the data plane removed its endpoint: the termination race.</summary>
    SigTermBeforeEndpointRemoval,

    /// <summary>In flight when the pod was killed at the end of its grace period, or sent to it after the kill and before endpoint removal.</summary>
    KilledAtGrace,

    /// <summary>In flight (or open) on a pod at its SIGTERM and cut by the app's own shutdown before any SIGKILL: Kestrel aborts what is left at the host's shutdown timeout, or the process exits with it open; a message lost on such a connection too.</summary>
    AbortedAtShutdown,

    /// <summary>The load balancer had no endpoint to send the request to.</summary>
    NoReadyEndpoints,

    /// <summary>The pod's preStop hook failed (FailedPreStopHook), so SIGTERM came at once while it was still an endpoint (live clusters).</summary>
    PreStopHookFailed,

    /// <summary>A new pod got traffic before it could serve: it became an endpoint (was marked ready) too early (live clusters).</summary>
    ServedBeforeReady,

    /// <summary>Anything the timeline does not explain (the explanation says what is known).</summary>
    Other,
}

/// <summary>One failed request and its cause.</summary>
/// <param name="Request">The request.</param>
/// <param name="Cause">The cause.</param>
/// <param name="Pod">The pod it is attributed to, when known.</param>
/// <param name="Explanation">A sentence on how the cause was decided.</param>
public sealed record AttributedFailure(RequestRecord Request, FailureCause Cause, string? Pod, string Explanation);

/// <summary>Every failed request with its cause.</summary>
/// <param name="Failures">The failed requests, in start order.</param>
public sealed record AttributionResult(IReadOnlyList<AttributedFailure> Failures)
{
    /// <summary>Failures per cause (causes with none are left out).</summary>
    public IReadOnlyDictionary<FailureCause, int> ByCause =>
        Failures.GroupBy(f => f.Cause).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Failures per pod ("" for unattributed).</summary>
    public IReadOnlyDictionary<string, int> ByPod =>
        Failures.GroupBy(f => f.Pod ?? string.Empty, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The cause with the most failures, or null when nothing failed.</summary>
    public FailureCause? MainCause => Failures.Count == 0 ? null : ByCause.MaxBy(kv => kv.Value).Key;

    /// <summary>One sentence per cause that asks the reader to change something the cause name does not say (FailedPreStopHook, served before ready, aborted at shutdown).</summary>
    public IReadOnlyList<string> Notes =>
        [.. Advice.Where(a => Failures.Any(f => f.Cause == a.Cause)).Select(a => Note(a.Cause, a.Format))];

    // {0}: how many failed requests, {1}: the pods they hit.
    private static readonly (FailureCause Cause, string Format)[] Advice =
    [
        (FailureCause.PreStopHookFailed, "FailedPreStopHook: {0} failed request(s) followed a FailedPreStopHook on {1}: the hook failed, so the kubelet sent SIGTERM at once, before the endpoint was removed; fix the hook (a shell-less image cannot run 'sh -c sleep', use the sleep action)."),
        (FailureCause.AbortedAtShutdown, "aborted by the app at shutdown: {0} request(s), connection(s) or message(s) open on {1} at SIGTERM were cut by the app's own shutdown before the grace period ran out; drain in-flight requests and close long-lived connections on purpose before the app stops (Handoff.AspNetCore's drain does both), with a shutdown timeout long enough for that and inside the grace period."),
        (FailureCause.ServedBeforeReady, "new pod served before it was ready: {0} failed request(s) hit {1} right after it became an endpoint and before it served any request: it was marked ready before it could serve; add a readiness probe that checks what the app needs."),
    ];

    /// <summary>A short user-facing name of a cause.</summary>
    public static string Describe(FailureCause cause) => cause switch
    {
        FailureCause.SigTermBeforeEndpointRemoval => "SIGTERM before endpoint removal",
        FailureCause.KilledAtGrace => "killed at the grace period",
        FailureCause.AbortedAtShutdown => "aborted by the app at shutdown",
        FailureCause.NoReadyEndpoints => "no ready endpoints",
        FailureCause.PreStopHookFailed => "FailedPreStopHook (SIGTERM at once)",
        FailureCause.ServedBeforeReady => "new pod served before it was ready",
        _ => "other",
    };

    private string Note(FailureCause cause, string format)
    {
        var matching = Failures.Where(f => f.Cause == cause).ToList();
        var pods = string.Join(", ", matching.Select(f => f.Pod).OfType<string>().Distinct(StringComparer.Ordinal).Select(p => $"'{p}'"));
        return string.Format(CultureInfo.InvariantCulture, format, matching.Count, pods);
    }
}
