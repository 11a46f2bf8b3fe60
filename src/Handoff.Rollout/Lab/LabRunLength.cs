using System.Globalization;
using Handoff.Analysis.Explain;

namespace Handoff.Rollout.Lab;

/// <summary>How long the lab's load runs when --duration is not given: what the rollout needs, plus warm-up and tail.</summary>
/// <remarks>
/// The rollout's length comes from explain's simulation (<see cref="RolloutSimulator"/>: the Deployment controller on
/// simulated time), with each new pod ready <see cref="PodStartAssumption"/> after it is created (a dotnet app on a
/// loaded 2-core machine takes 2-4 s, plus the readiness probe's first period) and each old pod gone when both tracks
/// ended: its preStop and exit (at most the grace period + 2 s) and the propagation. With long-lived traffic an old pod
/// exits only when its connections are gone: the app's declared long-lived drain ('handoff.dev/long-lived-drain-seconds')
/// after the preStop, else the grace period, since plain ASP.NET Core holds them until its shutdown timeout (30 s by
/// default) or the SIGKILL.
/// </remarks>
public static class LabRunLength
{
    /// <summary>From creating a pod to its readiness probe passing, before the probe's own initial delay and period.</summary>
    public static readonly TimeSpan PodStartAssumption = TimeSpan.FromSeconds(4);

    /// <summary>Load after the simulated end: room for pods that start slower than assumed, and traffic after the last removal.</summary>
    public static readonly TimeSpan Tail = TimeSpan.FromSeconds(8);

    /// <summary>The shortest run: a short rollout still gets a warm-up and a tail.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(10);

    /// <summary>The load's length for <paramref name="spec"/> and a propagation whose slowest draw is <paramref name="propagation"/>, with how it was reached.</summary>
    /// <param name="spec">The Deployment.</param>
    /// <param name="propagation">The slowest propagation draw.</param>
    /// <param name="longLived">Whether the traffic is long-lived connections, which hold an old pod until they end.</param>
    public static (TimeSpan Duration, string Reason) For(LabDeploymentSpec spec, TimeSpan propagation, bool longLived = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var c = CultureInfo.InvariantCulture;
        var start = PodStartAssumption + (spec.Readiness is { } probe ? probe.InitialDelay + probe.Period : TimeSpan.Zero);
        var preStop = spec.PreStop is { } hook && spec.GracePeriod > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(hook.Duration.Ticks, spec.GracePeriod.Ticks)) : TimeSpan.Zero;

        // An old pod is gone for the lab when both tracks ended: it exited (preStop, then about a second to exit, SIGKILL
        // at the grace period + 2 s at the latest) and the load balancer stopped sending to it.
        var (connections, held) = !longLived ? (TimeSpan.Zero, string.Empty)
            : spec.LongLivedDrain is { } drain ? (drain, string.Create(c, $"; long-lived connections: preStop + the declared drain {drain.TotalSeconds:0.#} s"))
            : (spec.GracePeriod, "; long-lived connections: up to the grace period, as no long-lived drain is declared");
        var exit = TimeSpan.FromTicks(Math.Min((preStop + connections + TimeSpan.FromSeconds(1)).Ticks, (spec.GracePeriod + TimeSpan.FromSeconds(2)).Ticks));
        var termination = exit > propagation ? exit : propagation;
        var parameters = new RolloutParameters(spec.Replicas, spec.MaxSurge, spec.MaxUnavailable, spec.MinReady.TotalSeconds, start.TotalSeconds, termination.TotalSeconds, spec.Recreate);
        var rollout = TimeSpan.FromSeconds(RolloutSimulator.Simulate(parameters).OldPodsGoneSeconds);
        var warmUp = TimeSpan.FromSeconds(2);
        var total = TimeSpan.FromSeconds(Math.Ceiling((warmUp + rollout + Tail).TotalSeconds));
        if (total < Minimum)
        {
            total = Minimum;
        }

        return (total, string.Create(c,
            $"sized to the rollout: {warmUp.TotalSeconds:0} s warm-up + {rollout.TotalSeconds:0.#} s simulated (pods ready {start.TotalSeconds:0.#} s after creation, old pods gone {termination.TotalSeconds:0.#} s after deletion{held}) + {Tail.TotalSeconds:0} s tail"));
    }
}
