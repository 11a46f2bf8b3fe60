using Handoff.Analysis.Configuration;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Kubernetes;

/// <summary>
/// Track A of the termination race for one container, as the kubelet runs it (pkg/kubelet/kuberuntime/
/// kuberuntime_container.go, killContainer): the preStop hook runs while the grace period G lasts (not at all when
/// G is 0); then SIGTERM; then SIGKILL once the rest of G has passed, but never sooner than 2 s after SIGTERM
/// (minimumGracePeriodInSeconds), which is the one-off extension a preStop that used up G gets. Times are seconds
/// from the moment the pod was deleted.
/// </summary>
public sealed record PodTermination
{
    /// <summary>The kubelet's minimum time between SIGTERM and SIGKILL (minimumGracePeriodInSeconds).</summary>
    public const double MinimumKillDelaySeconds = 2;

    /// <summary>The container this schedule is for (null when the pod has none).</summary>
    public Container? Container { get; init; }

    /// <summary>The preStop hook.</summary>
    public required PreStopHook PreStop { get; init; }

    /// <summary>G: terminationGracePeriodSeconds, 30 by default.</summary>
    public required double GraceSeconds { get; init; }

    /// <summary>
    /// How long the app keeps serving after SIGTERM: declared with handoff.dev/shutdown-delay-seconds, else what
    /// Handoff.AspNetCore's settings in the container's env show; 0 when none.
    /// </summary>
    public double InAppDelaySeconds { get; init; }

    /// <summary>Where the in-app delay came from (the annotation handoff.dev/shutdown-delay-seconds, or an app setting "env ..."); null when there is none.</summary>
    public ValueOrigin? InAppDelayOrigin { get; init; }

    /// <summary>The container env variable that sets the in-app delay when it was read from the app's settings; else null.</summary>
    public string? InAppDelayVariable { get; init; }

    /// <summary>Whether the kubelet runs the hook at all: it skips it when G is 0.</summary>
    public bool PreStopRuns => PreStop.Exists && GraceSeconds > 0;

    /// <summary>When the hook ends (at G at the latest); 0 without a hook; null when its length is unknown.</summary>
    public double? PreStopEndsAt => SigtermAfter(PreStop.Exists, PreStop.Seconds, GraceSeconds);

    /// <summary>Whether the hook is still running when G ends (the kubelet then cuts it and sends SIGTERM).</summary>
    public bool PreStopCutAtGrace => PreStopRuns && PreStop.Seconds is { } s && s >= GraceSeconds;

    /// <summary>When SIGTERM reaches the container; null when the hook's length is unknown.</summary>
    public double? SigtermAt => PreStopEndsAt;

    /// <summary>When SIGKILL comes if the container has not exited; null when the hook's length is unknown.</summary>
    public double? SigkillAt => SigtermAt is { } term ? term + KillDelayAfterPreStop(GraceSeconds, PreStopRuns ? term : 0) : null;

    /// <summary>When the process stops taking new requests: SIGTERM plus the in-app delay, cut by SIGKILL.</summary>
    public double? StopsListeningAt => SigtermAt is { } term ? Math.Min(term + InAppDelaySeconds, SigkillAt!.Value) : null;

    /// <summary>Whether the kubelet's 2 s minimum pushes SIGKILL past G.</summary>
    public bool KillExtendedPastGrace => SigkillAt is { } kill && kill > GraceSeconds;

    /// <summary>
    /// How long after the hook ended the kubelet waits before SIGKILL: the rest of G, counted in whole seconds of hook
    /// time as the kubelet counts them, and at least <see cref="MinimumKillDelaySeconds"/>.
    /// </summary>
    /// <param name="graceSeconds">G.</param>
    /// <param name="preStopElapsedSeconds">How long the hook ran (0 without one).</param>
    public static double KillDelayAfterPreStop(double graceSeconds, double preStopElapsedSeconds) =>
        Math.Max(graceSeconds - Math.Floor(preStopElapsedSeconds), MinimumKillDelaySeconds);

    /// <summary>
    /// When the kubelet sends SIGTERM, from the start of the container's termination: at once without a hook or when G
    /// is 0 (the hook is skipped), else when the hook ends, at G at the latest; null when the hook's length is unknown.
    /// </summary>
    /// <param name="hasHook">Whether the container has a preStop hook.</param>
    /// <param name="preStopSeconds">How long the hook runs (null when unknown).</param>
    /// <param name="graceSeconds">The grace period in force (the pod's deletionGracePeriodSeconds when it was deleted with one).</param>
    public static double? SigtermAfter(bool hasHook, double? preStopSeconds, double graceSeconds) =>
        !hasHook || graceSeconds <= 0 ? 0 : preStopSeconds is { } s ? Math.Min(s, graceSeconds) : null;

    /// <summary>The schedule of <paramref name="container"/> in <paramref name="workload"/>.</summary>
    public static PodTermination Of(Workload workload, Container? container)
    {
        ArgumentNullException.ThrowIfNull(workload);

        // The workload's own statement wins over what its app settings show, as for the drain time.
        var delay = HandoffAnnotations.Seconds(workload, HandoffAnnotations.ShutdownDelaySeconds) is { } declared
            ? new AppSetting(declared, ValueOrigin.FromAnnotation(HandoffAnnotations.ShutdownDelaySeconds))
            : AppShutdownSettings.InAppDelay(container);
        return new PodTermination
        {
            Container = container,
            PreStop = PreStopHook.Of(workload, container),
            GraceSeconds = workload.Pod.GracePeriodSeconds,
            InAppDelaySeconds = delay?.Seconds ?? 0,
            InAppDelayOrigin = delay is { Seconds: > 0 } ? delay.Origin : null,
            InAppDelayVariable = delay is { Seconds: > 0 } ? delay.Variable : null,
        };
    }

    /// <summary>The schedule of the container whose shutdown decides when traffic stops (see <see cref="TrafficContainer"/>).</summary>
    public static PodTermination Of(Workload workload) => Of(workload, TrafficContainer(workload));

    /// <summary>
    /// The container that receives the workload's traffic: the first serving container, else the first that is not a
    /// known proxy sidecar, else the first.
    /// </summary>
    public static Container? TrafficContainer(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return workload.ServingContainers.Count > 0 ? workload.ServingContainers[0]
            : workload.Pod.Containers.FirstOrDefault(c => !Workload.IsKnownSidecar(c.Name)) ?? (workload.Pod.Containers.Count > 0 ? workload.Pod.Containers[0] : null);
    }
}
