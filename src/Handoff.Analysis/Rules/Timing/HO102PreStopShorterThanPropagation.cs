using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO102: the process stops listening before the slowest data plane has stopped sending.</summary>
public sealed class HO102PreStopShorterThanPropagation : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO102", "prestop-shorter-than-propagation", Severity.Warning, "Timing",
        "The preStop hook plus any in-app delay (S) is shorter than the endpoint propagation time (P) of the slowest data plane, leaving an exposure window of P - S seconds; an error when P is your own number (--propagation or .handoff.yaml), where the loss is certain, a warning with the profile's.",
        "Raise the preStop sleep (or the in-app delay) to at least the propagation time of the slowest data plane, and raise terminationGracePeriodSeconds with it.",
        [Sources.PodTermination, Sources.TimingModel])
    {
        Fixer = "prestop-length",
        SupersededBy =
        [
            new("HO101", SupersessionScope.Container, "A container with no preStop hook and no in-app delay is HO101's case."),
            new("HO108", SupersessionScope.Object, "On GKE NEGs, HO108 reports the same gap with Google's formula (drainingTimeoutSec + 60 s)."),
        ],
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var b = context.Budget;
        var container = b.Container;
        if (container is null || (b.PreStopSource == PreStopSource.None && b.InAppDelaySeconds == 0))
        {
            yield break; // Superseded by HO101 (see the descriptor); nothing to measure.
        }

        var at = (Yaml.YNode?)container.PreStop?.Node ?? container.Node;
        if (b.PreStopSource == PreStopSource.Unknown && b.InAppDelaySeconds == 0)
        {
            yield return context.Report(context.Violation(new Present(ApiField.Annotation(HandoffAnnotations.PreStopSeconds)), at, container) with
            {
                Case = "unknown-duration",
                Severity = Severity.Info,
                Profile = context.Profile.Id,
                Observed = [new Term(Measure.Propagation, Quantity.Seconds(b.PropagationSeconds))],
                Remedy = new AtLeast(ApiField.PreStop, Quantity.Seconds(b.PropagationSeconds), Quantity.Seconds(0)),
            });
            yield break;
        }

        // A profile with the NEG formula has HO108 report the same gap with Google's formula (drainingTimeoutSec + 60 s).
        if (b.ExposureSeconds > 0 && !context.Profile.Declares<NegDrainingFormula>())
        {
            var slowest = b.Planes.MaxBy(p => p.PropagationSeconds)!;
            var propagation = new Term(Measure.Propagation, Quantity.Seconds(b.PropagationSeconds), slowest.Name);
            var delay = new Term(Measure.InAppDelay, Quantity.Seconds(b.InAppDelaySeconds));
            var requirement = b.PreStopSource switch
            {
                // Only the in-app delay is there: it is what must grow.
                PreStopSource.None => new AtLeast(InAppDelayField(b), propagation.Value, delay.Value) { Terms = [propagation] },
                _ => new AtLeast(PreStopField(b.PreStopSource), Quantity.Seconds(b.PropagationSeconds - b.InAppDelaySeconds), Quantity.Seconds(b.PreStopSeconds))
                {
                    Terms = [propagation],
                    Alongside = b.InAppDelaySeconds > 0 ? [delay] : [],
                },
            };
            yield return context.Report(context.Violation(requirement, at, container) with
            {
                Profile = context.Profile.Id,

                // A propagation the user measured (--propagation, .handoff.yaml) makes S < P a certain loss, not an estimate.
                Case = b.PropagationGiven ? "given-propagation" : null,
                Evidence = b.PropagationOrigin?.Text,
                Severity = b.PropagationGiven ? Severity.Error : null,
                Nodes = Nodes(context.Workload),
                Observed =
                [
                    new Term(Measure.StopListening, Quantity.Seconds(b.StopListeningSeconds)),
                    new Term(Measure.Exposure, Quantity.Seconds(b.ExposureSeconds)),
                ],
            });
        }
    }

    /// <summary>The field that holds the preStop duration of a hook of <paramref name="source"/>.</summary>
    public static ApiField PreStopField(PreStopSource source) => source switch
    {
        PreStopSource.SleepAction => ApiField.PreStopSleepSeconds,
        PreStopSource.ExecSleep => ApiField.PreStopExecCommand,
        PreStopSource.Declared => ApiField.Annotation(HandoffAnnotations.PreStopSeconds),
        _ => ApiField.PreStop,
    };

    /// <summary>Where the in-app delay is set: the container env variable Handoff.AspNetCore reads it from, else the annotation.</summary>
    public static ApiField InAppDelayField(TimeBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return budget.Termination.InAppDelayVariable is { } variable
            ? EnvField(variable)
            : ApiField.Annotation(HandoffAnnotations.ShutdownDelaySeconds);
    }

    /// <summary>A container env variable as a field.</summary>
    public static ApiField EnvField(string variable) => new(FieldScope.Container, $"env {variable}");

    private static IReadOnlyList<Yaml.YNode> Nodes(Workload workload) =>
        workload.Pod.SpecNode["terminationGracePeriodSeconds"] is { } grace ? [grace] : [];
}
