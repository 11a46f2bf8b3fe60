using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Network;

/// <summary>HO601: a Service targets a port name that none of the pods it selects declares, so that port has no endpoints.</summary>
public sealed class HO601ServiceTargetPortNotDeclared : IRule
{
    /// <summary>How a Service's named targetPort is resolved: per pod, from the container port of that name.</summary>
    public const string ServicePorts = "https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports";

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO601", "service-target-port-not-declared", Severity.Error, "Network",
        "A Service's 'targetPort' is a port name that no container of the pods it selects declares: the endpoints of that port list no pod, so its traffic is dropped.",
        "Name the container port as the Service's 'targetPort' says (ports[].name in the container), or set 'targetPort' to the container's port number.",
        [ServicePorts, "https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec"])
    {
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var selecting = context.Model.Workloads.SelectMany(w => w.Services.Select(s => (Service: s, Workload: w))).ToLookup(p => p.Service, p => p.Workload);
        foreach (var service in context.Model.Services)
        {
            var workloads = selecting[service].ToList();
            if (workloads.Count == 0)
            {
                continue;
            }

            foreach (var port in service.Ports)
            {
                if (port.TargetPort is not { String: { } name } target || int.TryParse(name, System.Globalization.CultureInfo.InvariantCulture, out _)
                    || workloads.Exists(w => w.Pod.Containers.Any(c => c.Exposes(target))))
                {
                    continue;
                }

                var declared = workloads.SelectMany(w => w.Pod.Containers).SelectMany(c => c.Ports).Select(p => p.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
                yield return RuleContext.Report(new Violation(Rule, service.Object, new Forbidden(ApiField.OfObject("spec.ports.targetPort"), name))
                {
                    At = target.Node,
                    Workload = workloads[0],
                    Evidence = declared.Count == 0 ? null : string.Join(", ", declared.Select(d => $"'{d}'")),
                });
            }
        }
    }
}
