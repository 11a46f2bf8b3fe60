using System.Globalization;

namespace Handoff.Analysis.Rules;

/// <summary>What a <see cref="Quantity"/> counts.</summary>
public enum QuantityUnit
{
    /// <summary>Seconds of time.</summary>
    Seconds,

    /// <summary>Pods (replicas).</summary>
    Pods,

    /// <summary>A plain count (a probe's failureThreshold).</summary>
    Count,
}

/// <summary>A number with its unit, as a requirement states it.</summary>
/// <param name="Value">The number.</param>
/// <param name="Unit">What it counts.</param>
public readonly record struct Quantity(double Value, QuantityUnit Unit)
{
    /// <summary>A time in seconds.</summary>
    public static Quantity Seconds(double value) => new(value, QuantityUnit.Seconds);

    /// <summary>A number of pods.</summary>
    public static Quantity Pods(double value) => new(value, QuantityUnit.Pods);

    /// <summary>A plain count.</summary>
    public static Quantity Count(double value) => new(value, QuantityUnit.Count);

    /// <summary>The value as the API takes it for whole-second fields (rounded up; 9.2 s becomes 10).</summary>
    public int WholeValue => (int)Math.Ceiling(Value - 1e-9);

    /// <summary>"10 s", "3 pods".</summary>
    public override string ToString() => Unit switch
    {
        QuantityUnit.Seconds => Text.Seconds(Value),
        QuantityUnit.Count => Text.Number(Value),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Text.Number(Value)} {(Value == 1 ? "pod" : "pods")}"),
    };
}

/// <summary>What a <see cref="Term"/> measures; the policy generator maps each to an expression or a parameter.</summary>
public enum Measure
{
    /// <summary>The slowest data plane's propagation time (P), from the profile.</summary>
    Propagation,

    /// <summary>The preStop hook's duration.</summary>
    PreStop,

    /// <summary>The in-app shutdown delay ('handoff.dev/shutdown-delay-seconds').</summary>
    InAppDelay,

    /// <summary>When the app stops taking requests after termination starts (S: preStop, capped by the grace period, plus the in-app delay).</summary>
    StopListening,

    /// <summary>How long requests can fail (P - S).</summary>
    Exposure,

    /// <summary>The app's drain time (D), declared with 'handoff.dev/drain-seconds' or the default.</summary>
    Drain,

    /// <summary>The safety buffer (B).</summary>
    Buffer,

    /// <summary>terminationGracePeriodSeconds (G).</summary>
    GracePeriod,

    /// <summary>When the kubelet sends SIGKILL after termination starts.</summary>
    SigkillAt,

    /// <summary>The time left for the drain between stop-listening and SIGKILL.</summary>
    DrainWindow,

    /// <summary>A load balancer's idle timeout (the AWS ALB's idle_timeout.timeout_seconds).</summary>
    IdleTimeout,

    /// <summary>GKE's connectionDraining.drainingTimeoutSec.</summary>
    DrainingTimeout,

    /// <summary>How long GKE takes to detach a NEG endpoint, from the profile.</summary>
    NegDetach,

    /// <summary>The replicas a workload runs.</summary>
    Replicas,

    /// <summary>A probe's periodSeconds (the term's label names the probe).</summary>
    ProbePeriod,

    /// <summary>A probe's failureThreshold (the term's label names the probe).</summary>
    ProbeFailureThreshold,
}

/// <summary>One named part of a requirement or of what was observed ("default drain 20 s").</summary>
/// <param name="Measure">What it measures.</param>
/// <param name="Value">How much.</param>
/// <param name="Label">How a message names it when the measure alone does not say ("declared drain", "ingress-nginx"); null for the measure's plain name.</param>
public sealed record Term(Measure Measure, Quantity Value, string? Label = null);

/// <summary>Looks terms up by what they measure.</summary>
public static class Terms
{
    /// <summary>The first term measuring <paramref name="measure"/>.</summary>
    /// <exception cref="InvalidOperationException">No term measures it (a rule and its message disagree: a bug).</exception>
    public static Term Of(this IReadOnlyList<Term> terms, Measure measure)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return terms.FirstOrDefault(t => t.Measure == measure)
            ?? throw new InvalidOperationException($"No {measure} term; the rule did not record it.");
    }

    /// <summary>The first term measuring <paramref name="measure"/> with <paramref name="label"/>.</summary>
    /// <exception cref="InvalidOperationException">No such term (a bug).</exception>
    public static Term Of(this IReadOnlyList<Term> terms, Measure measure, string label)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return terms.FirstOrDefault(t => t.Measure == measure && string.Equals(t.Label, label, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No {measure} term for {label}; the rule did not record it.");
    }

    /// <summary>The value in seconds of the first term measuring <paramref name="measure"/>.</summary>
    public static double SecondsOf(this IReadOnlyList<Term> terms, Measure measure) => terms.Of(measure).Value.Value;
}
