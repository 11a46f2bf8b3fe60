namespace Handoff.Rollout.Timeline;

/// <summary>What happened to a pod or an endpoint at one moment of a rollout.</summary>
/// <remarks>
/// The lab's emulated control plane and the live kubectl watcher both produce these, so that attribution and
/// reports are one code path. Times are offsets from the start of the run.
/// </remarks>
public enum TimelineEventKind
{
    /// <summary>The pod object exists (scheduled or started by the controller).</summary>
    PodCreated,

    /// <summary>The pod's readiness probe passed; it is Ready.</summary>
    PodReady,

    /// <summary>The pod's readiness probe failed after it had been ready.</summary>
    PodNotReady,

    /// <summary>The pod got a deletion timestamp: both tracks start here.</summary>
    PodTerminating,

    /// <summary>The kubelet started the preStop hook.</summary>
    PreStopStarted,

    /// <summary>The preStop hook returned.</summary>
    PreStopFinished,

    /// <summary>The preStop hook failed (FailedPreStopHook).</summary>
    PreStopFailed,

    /// <summary>SIGTERM was sent to the container's PID 1.</summary>
    SigTerm,

    /// <summary>SIGKILL was sent because the grace period ran out.</summary>
    SigKill,

    /// <summary>The container exited (see <see cref="TimelineEvent.ExitCode"/>).</summary>
    ContainerExited,

    /// <summary>An endpoint for the pod was added to a data plane (it now receives new requests).</summary>
    EndpointAdded,

    /// <summary>A data plane stopped sending new requests to the pod.</summary>
    EndpointRemoved,

    /// <summary>The rollout controller started (or the trigger command ran).</summary>
    RolloutStarted,

    /// <summary>The rollout finished: every new pod available, every old pod gone.</summary>
    RolloutFinished,
}

/// <summary>How the timeline knows of an event.</summary>
public enum TimelineOrigin
{
    /// <summary>Seen when it happened (the lab's own processes and HAProxy, a watch event, a Kubernetes Event).</summary>
    Observed,

    /// <summary>Computed from what was seen (a live cluster never reports SIGTERM: it is placed from the deletion and the preStop).</summary>
    Inferred,

    /// <summary>Found already there when the run started (a live pod that existed before the watch): the time is when it was first seen.</summary>
    PresentAtStart,
}

/// <summary>The names of data planes that endpoint events carry.</summary>
public static class TimelinePlanes
{
    /// <summary>EndpointSlice conditions: the control plane; kube-proxy, ingress controllers and cloud load balancers follow later.</summary>
    public const string EndpointSlice = "EndpointSlice";
}

/// <summary>One timeline entry.</summary>
/// <param name="At">Offset from the start of the run.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Pod">The pod's name (empty for rollout-wide events).</param>
/// <param name="DataPlane">For endpoint events: which data plane (for example "haproxy", "EndpointSlice").</param>
/// <param name="ExitCode">For <see cref="TimelineEventKind.ContainerExited"/>: the exit code (137 = SIGKILL).</param>
/// <param name="Detail">A short human note (an event message, a reason).</param>
/// <param name="Origin">Whether the event was observed or inferred.</param>
public sealed record TimelineEvent(
    TimeSpan At,
    TimelineEventKind Kind,
    string Pod,
    string? DataPlane = null,
    int? ExitCode = null,
    string? Detail = null,
    TimelineOrigin Origin = TimelineOrigin.Observed);

/// <summary>Produces timeline events for one run (the lab emulator, or the kubectl watcher).</summary>
public interface ITimelineSource
{
    /// <summary>Every event seen so far, in time order.</summary>
    IReadOnlyList<TimelineEvent> Snapshot();
}
