using Handoff.Analysis.Configuration;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Timing;

/// <summary>How the preStop time S was found.</summary>
public enum PreStopSource
{
    /// <summary>No preStop hook.</summary>
    None,

    /// <summary>The native sleep action.</summary>
    SleepAction,

    /// <summary>An exec hook running sleep (directly or in a shell).</summary>
    ExecSleep,

    /// <summary>Declared with handoff.dev/prestop-seconds.</summary>
    Declared,

    /// <summary>A hook whose duration cannot be read from the manifest and is not declared.</summary>
    Unknown,
}

/// <summary>
/// The termination time budget of one workload, the model every part of Handoff shares (DESIGN.md): two tracks
/// start at t=0; Track A (<see cref="PodTermination"/>, the kubelet's schedule) runs preStop for S, sends SIGTERM,
/// and SIGKILL at the grace period G; Track B removes the endpoint from each data plane after its latency P.
/// Requests fail while the process is gone but a plane still sends, so the exposure window is max(0, P - S).
/// </summary>
public sealed record TimeBudget
{
    /// <summary>The kubelet's minimum time between SIGTERM and SIGKILL, which extends G for a preStop that used it up.</summary>
    public const double KubeletExtensionSeconds = PodTermination.MinimumKillDelaySeconds;

    /// <summary>The default app drain time D when none is declared (seed 001's stateless HTTP example).</summary>
    public const double DefaultDrainSeconds = 20;

    /// <summary>The default safety buffer B (seed 001's formula).</summary>
    public const double DefaultBufferSeconds = 10;

    /// <summary>The workload.</summary>
    public required Workload Workload { get; init; }

    /// <summary>The profile in force for this workload, and why.</summary>
    public required ProfileChoice Profile { get; init; }

    /// <summary>Track A for the container that receives the traffic: the kubelet's schedule.</summary>
    public required PodTermination Termination { get; init; }

    /// <summary>The serving container the budget is computed for (null when the workload has no containers).</summary>
    public Container? Container => Termination.Container;

    /// <summary>How long the preStop hook runs, seconds (0 when none or unknown; a lower bound when it runs other commands after sleeping).</summary>
    public double PreStopSeconds => Termination.PreStop.Seconds ?? 0;

    /// <summary>How <see cref="PreStopSeconds"/> was found.</summary>
    public PreStopSource PreStopSource => Termination.PreStop.Source;

    /// <summary>An in-app delay after SIGTERM (handoff.dev/shutdown-delay-seconds), seconds.</summary>
    public double InAppDelaySeconds => Termination.InAppDelaySeconds;

    /// <summary>Where the in-app delay came from (see <see cref="PodTermination.InAppDelayOrigin"/>).</summary>
    public ValueOrigin? InAppDelayOrigin => Termination.InAppDelayOrigin;

    /// <summary>Whether the in-app delay was read from the app's own settings rather than declared with the annotation.</summary>
    public bool InAppDelayFromAppSettings => InAppDelayOrigin?.Kind == OriginKind.AppSetting;

    /// <summary>S: time from deletion until the process stops taking new requests = preStop + in-app delay (0 + delay when the preStop length is unknown).</summary>
    public double StopListeningSeconds => Termination.StopsListeningAt ?? Math.Min(InAppDelaySeconds, SigkillAtSeconds);

    /// <summary>G: terminationGracePeriodSeconds (30 by default).</summary>
    public double GracePeriodSeconds => Termination.GraceSeconds;

    /// <summary>D: the app's drain time.</summary>
    public double DrainSeconds { get; init; }

    /// <summary>Whether D was given (--drain, the annotation, the app's own settings, .handoff.yaml) rather than the default.</summary>
    public bool DrainDeclared { get; init; }

    /// <summary>B: the safety buffer.</summary>
    public double BufferSeconds { get; init; }

    /// <summary>The data planes and their latencies, with those the profile's relations compute set for this workload.</summary>
    public required IReadOnlyList<DataPlane> Planes { get; init; }

    /// <summary>The profile's relations computed for this workload (NEG formula, idle timeout, deregistration delays, health checks).</summary>
    public RelationResults Relations { get; init; } = RelationResults.None;

    /// <summary>P: the slowest plane's latency.</summary>
    public double PropagationSeconds => Planes.Count == 0 ? 0 : Planes.Max(p => p.PropagationSeconds);

    /// <summary>Seconds during which new requests still arrive after the process stopped listening: max(0, P - S).</summary>
    public double ExposureSeconds => Math.Max(0, PropagationSeconds - StopListeningSeconds);

    /// <summary>Whether preStop is still running when the grace period ends (the kubelet then cuts it and kills 2 s later).</summary>
    public bool PreStopOutlastsGrace => Termination.PreStopCutAtGrace;

    /// <summary>When SIGTERM reaches PID 1: after preStop, or at G if preStop is still running (0 when the preStop length is unknown).</summary>
    public double SigtermAtSeconds => Termination.SigtermAt ?? 0;

    /// <summary>When SIGKILL comes: the rest of G after preStop, at least 2 s after SIGTERM (G when the preStop length is unknown).</summary>
    public double SigkillAtSeconds => Termination.SigkillAt ?? Math.Max(GracePeriodSeconds, PodTermination.MinimumKillDelaySeconds);

    /// <summary>The grace period the formula asks for: S + D + B.</summary>
    public double RequiredGraceSeconds => StopListeningSeconds + DrainSeconds + BufferSeconds;

    /// <summary>Time left for draining after the process stops listening: SIGKILL - S.</summary>
    public double DrainWindowSeconds => Math.Max(0, SigkillAtSeconds - StopListeningSeconds);

    /// <summary>Failed requests expected per terminated pod at <paramref name="requestsPerSecond"/> to that pod, with no retries.</summary>
    public double ExpectedFailures(double requestsPerSecond) => requestsPerSecond * ExposureSeconds;

    /// <summary>Computes the budget of a workload for a profile.</summary>
    public static TimeBudget Compute(Workload workload, ClusterModel model, Profile profile) =>
        Compute(workload, model, new ProfileChoice(profile, ProfileEvidence.Given));

    /// <summary>Computes the budget of a workload for a chosen profile, with the numbers the user gave (command line, .handoff.yaml).</summary>
    public static TimeBudget Compute(Workload workload, ClusterModel model, ProfileChoice choice, TimingSettings? timing = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(choice);
        timing ??= TimingSettings.None;
        var profile = choice.Profile;
        var declaredDrain = HandoffAnnotations.Seconds(workload, HandoffAnnotations.DrainSeconds);
        var planes = WorkloadPlanes.Resolve(profile, workload, model);
        // The more specific statement wins: --drain, then the workload's annotation, then the app's own settings
        // (this container's server flags and env), then the file's one number for every workload.
        var termination = PodTermination.Of(workload);
        var drain = timing.Drain is { } given && timing.DrainOverridesAnnotations ? given
            : declaredDrain is { } annotated ? new Setting<double>(annotated, ValueOrigin.FromAnnotation(HandoffAnnotations.DrainSeconds))
            : AppShutdownSettings.Drain(workload, termination.Container, model) is { } app ? new Setting<double>(app.Seconds, app.Origin)
            : timing.Drain;
        var resolvedPlanes = planes.Planes;
        var propagation = timing.PropagationFor(workload);
        if (propagation is not null)
        {
            // The user's number is the slowest plane's: it replaces the profile's estimates, kept as one plane of that kind.
            var kind = resolvedPlanes.Count > 0 ? resolvedPlanes.MaxBy(p => p.PropagationSeconds)!.Kind : PlaneKind.KubeProxy;
            resolvedPlanes = [new DataPlane(GivenPlaneName, kind, propagation.Value, $"given: {propagation.Origin.Text}")];
        }

        return new TimeBudget
        {
            Workload = workload,
            Profile = choice,
            Termination = termination,
            DrainSeconds = drain?.Value ?? DefaultDrainSeconds,
            DrainDeclared = drain is not null,
            DrainOrigin = drain?.Origin,
            BufferSeconds = timing.Buffer?.Value ?? DefaultBufferSeconds,
            Planes = resolvedPlanes,
            Relations = planes.Relations,
            PropagationOrigin = propagation?.Origin,
            LongLived = LongLivedConnections.Of(workload, model),
        };
    }

    /// <summary>The workload's long-lived connections (WebSockets, gRPC streams...), or null when nothing in the input shows any.</summary>
    public LongLivedConnections? LongLived { get; init; }

    /// <summary>How long the long-lived connections drain after the app stops listening (see <see cref="LongLivedConnections.DrainSeconds"/>); null without any.</summary>
    public double? LongLivedDrainSeconds => LongLived?.DrainSeconds(StopListeningSeconds, DrainSeconds, BufferSeconds);

    /// <summary>The name of the one plane that stands for a propagation the user gave.</summary>
    public const string GivenPlaneName = "propagation";

    /// <summary>Where the propagation came from when the user gave it (--propagation, .handoff.yaml:line:column); null when the profile's.</summary>
    public ValueOrigin? PropagationOrigin { get; init; }

    /// <summary>Whether P is the user's own number (measured or stated), not a profile's estimate.</summary>
    public bool PropagationGiven => PropagationOrigin is not null;

    /// <summary>Where D came from (--drain, .handoff.yaml, the annotation, the app's own settings); null for the default.</summary>
    public ValueOrigin? DrainOrigin { get; init; }

    /// <summary>Reads how long a preStop hook runs (see <see cref="PreStopHook"/>; 0 when unknown).</summary>
    public static (double Seconds, PreStopSource Source) PreStopDuration(Workload workload, Container? container)
    {
        var hook = PreStopHook.Of(workload, container);
        return (hook.Seconds ?? 0, hook.Source);
    }

    /// <summary>The seconds an exec hook sleeps (see <see cref="ExecCommand"/>); null when it does not sleep.</summary>
    public static double? ExecSleepSeconds(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var exec = ExecCommand.Read(command);
        return exec.Sleeps ? exec.SleepSeconds : null;
    }
}
