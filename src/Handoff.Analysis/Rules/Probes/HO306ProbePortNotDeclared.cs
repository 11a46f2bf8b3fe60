using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Probes;

/// <summary>HO306: a probe or httpGet hook names a port the container does not declare, so it can never succeed.</summary>
public sealed class HO306ProbePortNotDeclared : WorkloadRule
{
    /// <summary>Where the kubelet resolves a named probe port: in the container's own 'ports' only.</summary>
    public const string ContainerPorts = "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports";

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO306", "probe-port-not-declared", Severity.Error, "Probes",
        "A probe or an httpGet preStop hook names a port that its container does not declare: the kubelet resolves a port name in the container's own 'ports' only, so the probe never passes and the hook fails at once.",
        "Declare the port with that name in the container's 'ports' (a name declared by another container of the pod does not count), or use the port number.",
        [ContainerPorts, Sources.Probes, Sources.LifecycleHooks])
    {
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        foreach (var container in context.Workload.Pod.Containers.Concat(context.Workload.Pod.InitContainers.Where(c => c.IsNativeSidecar)))
        {
            var handlers = new (string Name, string Field, Handler? Handler)[]
            {
                ("readiness", "readinessProbe", container.Readiness?.Handler),
                ("liveness", "livenessProbe", container.Liveness?.Handler),
                ("startup", "startupProbe", container.Startup?.Handler),
                ("preStop", "lifecycle.preStop", container.PreStop is { Kind: HandlerKind.HttpGet } hook ? hook : null),
            };
            foreach (var (name, field, handler) in handlers)
            {
                if (handler?.Port is { String: { } portName } port && !IsNumber(portName) && container.PortNumber(port) is null)
                {
                    var kind = handler.Kind == HandlerKind.HttpGet ? "httpGet" : handler.Kind == HandlerKind.TcpSocket ? "tcpSocket" : "grpc";
                    var requirement = new Forbidden(new ApiField(FieldScope.Container, $"{field}.{kind}.port"), portName);
                    yield return context.Report(context.Violation(requirement, port.Node ?? handler.Node, container) with
                    {
                        Case = name,
                        Evidence = container.Ports.Count == 0 ? null : string.Join(", ", container.Ports.Select(p => p.Name is null ? $"{p.Number}" : $"'{p.Name}' {p.Number}")),
                    });
                }
            }
        }
    }

    // A quoted number ("8080") is still a number to the API: IntOrString parses it as a port number.
    private static bool IsNumber(string text) => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
}
