using System.Globalization;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Rules.Provider;

/// <summary>HO107: a GKE load balancer backend has no connection draining.</summary>
public sealed class HO107GkeConnectionDrainingMissing : IRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO107", "gke-connection-draining-missing", Severity.Warning, "Provider",
        "gke-neg profile: a Service behind a GKE load balancer has no connectionDraining.drainingTimeoutSec (BackendConfig or GCPBackendPolicy); the default is 0, so requests in flight when the endpoint is detached are cut.",
        "Set connectionDraining.drainingTimeoutSec (30 s is a common start) in a BackendConfig named by the Service's 'cloud.google.com/backend-config' annotation (Ingress) or in a GCPBackendPolicy targeting the Service (Gateway), and raise preStop to drainingTimeoutSec + 60 s.",
        ["seed 000 (docs/timing-model.md)", "https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#connection_draining",
            "https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_connection_draining",
            "https://cloud.google.com/load-balancing/docs/enabling-connection-draining"]);

    /// <inheritdoc/>
    public RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seen = new HashSet<(string, string, int)>();
        foreach (var workload in context.Budgets.Where(b => b.Workload.IsServing && b.Profile.Profile.Declares<NegDrainingFormula>()).Select(b => b.Workload))
        {
            foreach (var backend in GkeBackends.Of(workload, context.Model))
            {
                var service = backend.Service.Object;
                if (backend.DrainingTimeout is not null || backend.BackendConfigMissing || !seen.Add((service.Namespace, service.Name, backend.Port.Port)))
                {
                    continue;
                }

                // The field a fix writes: the GCPBackendPolicy's (Gateway) or the BackendConfig's (Ingress), else one in a BackendConfig still to write.
                var (obj, at, field, source) = backend.BackendPolicy is { } policy
                    ? (policy, ProviderObjects.At(policy.Node, "spec", "default") ?? ProviderObjects.At(policy.Node, "spec"), ApiField.OfObject("spec.default.connectionDraining.drainingTimeoutSec"), "backend-policy")
                    : backend.BackendConfig is { } config
                        ? (config, ProviderObjects.At(config.Node, "spec"), ApiField.OfObject("spec.connectionDraining.drainingTimeoutSec"), "backend-config")
                        : (service, null, new ApiField(FieldScope.Related, "BackendConfig.spec.connectionDraining.drainingTimeoutSec"), "none");
                yield return RuleContext.Report(new Violation(Rule, obj, new Present(field))
                {
                    At = at,
                    Workload = workload,
                    Case = source,
                    Evidence = backend.Port.Port.ToString(CultureInfo.InvariantCulture),
                    Related = [service],
                });
            }
        }
    }
}
