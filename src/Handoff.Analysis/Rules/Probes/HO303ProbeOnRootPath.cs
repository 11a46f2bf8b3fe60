using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Probes;

/// <summary>HO303: a probe hits the app's home page.</summary>
public sealed class HO303ProbeOnRootPath : WorkloadRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO303", "probe-on-root-path", Severity.Warning, "Probes",
        "An httpGet probe targets '/': the home page may be slow, redirect, need authentication, or keep answering 200 while the app shuts down.",
        "Serve dedicated probe endpoints (/healthz/startup, /healthz/ready, /healthz/live) and point each probe at its own; '/' on a separate health port that no Service targets is not reported.",
        [Sources.Probes])
    {
        Scope = RuleScope.ServingContainer,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        foreach (var container in context.Workload.ServingContainers)
        {
            foreach (var (name, probe) in new[] { ("readiness", container.Readiness), ("liveness", container.Liveness), ("startup", container.Startup) })
            {
                // '/' on a dedicated health or admin port that no traffic Service targets is that port's probe endpoint,
                // not the app's home page (issue 13.6); a port Handoff cannot resolve keeps the finding.
                if (probe?.Handler is { Kind: HandlerKind.HttpGet, Path: null or "" or "/" } handler
                    && (handler.Port is null || context.Workload.ReceivesTraffic(container, handler.Port) != false))
                {
                    var requirement = new Forbidden(new ApiField(FieldScope.Container, $"{name}Probe.httpGet.path"), "/");
                    yield return context.Report(context.Violation(requirement, probe.Node, container) with { Case = name });
                }
            }
        }
    }
}
