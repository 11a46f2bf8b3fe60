using System.Globalization;
using System.Text.RegularExpressions;
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
/// start at t=0; Track A runs preStop for S, sends SIGTERM, and SIGKILL at the grace period G; Track B removes the
/// endpoint from each data plane after its latency P. Requests fail while the process is gone but a plane still
/// sends, so the exposure window is max(0, P - S).
/// </summary>
public sealed partial record TimeBudget
{
    /// <summary>The kubelet's one-off extension when preStop is still running at the grace period.</summary>
    public const double KubeletExtensionSeconds = 2;

    /// <summary>The default app drain time D when none is declared (seed 001's stateless HTTP example).</summary>
    public const double DefaultDrainSeconds = 20;

    /// <summary>The default safety buffer B (seed 001's formula).</summary>
    public const double DefaultBufferSeconds = 10;

    /// <summary>The workload.</summary>
    public required Workload Workload { get; init; }

    /// <summary>The profile in force for this workload, and why.</summary>
    public required ProfileChoice Profile { get; init; }

    /// <summary>The serving container the budget is computed for (null when the workload has no containers).</summary>
    public Container? Container { get; init; }

    /// <summary>How long the preStop hook runs, seconds (0 when none or unknown).</summary>
    public double PreStopSeconds { get; init; }

    /// <summary>How <see cref="PreStopSeconds"/> was found.</summary>
    public PreStopSource PreStopSource { get; init; }

    /// <summary>An in-app delay after SIGTERM (handoff.dev/shutdown-delay-seconds), seconds.</summary>
    public double InAppDelaySeconds { get; init; }

    /// <summary>S: time from deletion until the process stops taking new requests = preStop + in-app delay.</summary>
    public double StopListeningSeconds => Math.Min(PreStopSeconds, GracePeriodSeconds) + InAppDelaySeconds;

    /// <summary>G: terminationGracePeriodSeconds (30 by default).</summary>
    public double GracePeriodSeconds { get; init; }

    /// <summary>D: the app's drain time.</summary>
    public double DrainSeconds { get; init; }

    /// <summary>Whether D was declared with handoff.dev/drain-seconds.</summary>
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

    /// <summary>Whether preStop is still running when the grace period ends (the kubelet then adds 2 s).</summary>
    public bool PreStopOutlastsGrace => PreStopSeconds >= GracePeriodSeconds && PreStopSource != PreStopSource.None;

    /// <summary>When SIGTERM reaches PID 1: after preStop, or at G if preStop is still running.</summary>
    public double SigtermAtSeconds => PreStopOutlastsGrace ? GracePeriodSeconds : PreStopSeconds;

    /// <summary>When SIGKILL comes: at G, or G + 2 when the kubelet extended the grace period for preStop.</summary>
    public double SigkillAtSeconds => PreStopOutlastsGrace ? GracePeriodSeconds + KubeletExtensionSeconds : GracePeriodSeconds;

    /// <summary>The grace period the formula asks for: S + D + B.</summary>
    public double RequiredGraceSeconds => StopListeningSeconds + DrainSeconds + BufferSeconds;

    /// <summary>Time left for draining after the process stops listening: G - S.</summary>
    public double DrainWindowSeconds => Math.Max(0, SigkillAtSeconds - StopListeningSeconds);

    /// <summary>Failed requests expected per terminated pod at <paramref name="requestsPerSecond"/> to that pod, with no retries.</summary>
    public double ExpectedFailures(double requestsPerSecond) => requestsPerSecond * ExposureSeconds;

    /// <summary>Computes the budget of a workload for a profile.</summary>
    public static TimeBudget Compute(Workload workload, ClusterModel model, Profile profile) =>
        Compute(workload, model, new ProfileChoice(profile, ProfileEvidence.Given));

    /// <summary>Computes the budget of a workload for a chosen profile.</summary>
    public static TimeBudget Compute(Workload workload, ClusterModel model, ProfileChoice choice)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(choice);
        var profile = choice.Profile;
        var container = workload.ServingContainers.Count > 0 ? workload.ServingContainers[0]
            : workload.Pod.Containers.Count > 0 ? workload.Pod.Containers[0] : null;
        var (preStop, source) = PreStopDuration(workload, container);
        var declaredDrain = HandoffAnnotations.Seconds(workload, HandoffAnnotations.DrainSeconds);
        var planes = WorkloadPlanes.Resolve(profile, workload, model);
        return new TimeBudget
        {
            Workload = workload,
            Profile = choice,
            Container = container,
            PreStopSeconds = preStop,
            PreStopSource = source,
            InAppDelaySeconds = HandoffAnnotations.Seconds(workload, HandoffAnnotations.ShutdownDelaySeconds) ?? 0,
            GracePeriodSeconds = workload.Pod.GracePeriodSeconds,
            DrainSeconds = declaredDrain ?? DefaultDrainSeconds,
            DrainDeclared = declaredDrain is not null,
            BufferSeconds = DefaultBufferSeconds,
            Planes = planes.Planes,
            Relations = planes.Relations,
        };
    }

    /// <summary>Reads how long a preStop hook runs.</summary>
    public static (double Seconds, PreStopSource Source) PreStopDuration(Workload workload, Container? container)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var hook = container?.PreStop;
        if (hook is null)
        {
            return (0, PreStopSource.None);
        }

        if (HandoffAnnotations.Seconds(workload, HandoffAnnotations.PreStopSeconds) is { } declared)
        {
            return (declared, PreStopSource.Declared);
        }

        return hook.Kind switch
        {
            HandlerKind.Sleep => (hook.SleepSeconds ?? 0, PreStopSource.SleepAction),
            HandlerKind.Exec when ExecSleepSeconds(hook.Command) is { } seconds => (seconds, PreStopSource.ExecSleep),
            _ => (0, PreStopSource.Unknown),
        };
    }

    /// <summary>Finds the sleep in an exec hook: ["sleep","10"], ["/bin/sh","-c","sleep 10 &amp;&amp; ..."]; null when there is none.</summary>
    public static double? ExecSleepSeconds(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            return null;
        }

        var text = string.Join(' ', command);
        var match = SleepPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var value = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "m" => value * 60,
            "h" => value * 3600,
            _ => value,
        };
    }

    [GeneratedRegex(@"(?:^|[\s;&|/""'])sleep\s+(?<n>\d+(?:\.\d+)?)(?<unit>[smh]?)\b", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SleepPattern();
}
