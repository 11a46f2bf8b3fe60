using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Network;

/// <summary>HO602: a Service's selector matches no workload of the input.</summary>
public sealed class HO602ServiceSelectsNothing : IRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO602", "service-selects-nothing", Severity.Info, "Network",
        "A Service's selector matches the pod labels of no workload in the input: unless its pods come from elsewhere (another chart, an operator), its endpoints stay empty and its clients get connection errors.",
        "Make the Service's 'spec.selector' match the pod template labels of the workload it fronts, or check it together with the manifests that create its pods.",
        ["https://kubernetes.io/docs/concepts/services-networking/service/#services-in-kubernetes", "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"])
    {
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Pods of kinds Handoff does not model (a Prometheus custom resource, a Knative Service) may be what the
        // selector means: a namespace holding such objects is left alone, the 'not-checked' note names them.
        var unmodelled = ModelNotes.NotCheckedObjects(context.Model.Objects, context.Model.Workloads).Select(o => o.Namespace).ToHashSet(StringComparer.Ordinal);
        foreach (var service in context.Model.Services)
        {
            if (!service.HasSelector || unmodelled.Contains(service.Object.Namespace)
                || context.Model.Workloads.Any(w => w.Object.Namespace == service.Object.Namespace && LabelSelector.MatchesAll(service.Selector, w.Pod.Labels)))
            {
                continue;
            }

            var spec = service.Object.Node["spec"] as Yaml.YMap;
            var selector = string.Join(", ", service.Selector.Select(p => $"{p.Key}={p.Value}"));
            yield return RuleContext.Report(new Violation(Rule, service.Object, new Forbidden(ApiField.OfObject("spec.selector"), selector))
            {
                At = spec?["selector"] ?? spec,
            });
        }
    }
}
