using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Model;

/// <summary>The objects of the input linked the way Kubernetes links them.</summary>
public sealed class ClusterModel
{
    internal ClusterModel(ManifestSet manifests, IReadOnlyList<Workload> workloads, IReadOnlyList<Service> services,
        IReadOnlyList<PodDisruptionBudget> disruptionBudgets, IReadOnlyList<Ingress> ingresses, IReadOnlyList<HttpRoute> routes,
        IReadOnlyList<Autoscaler> autoscalers, IReadOnlyList<InputError> errors, IReadOnlyList<Note> notes)
    {
        Notes = notes;
        Manifests = manifests;
        Workloads = workloads;
        Services = services;
        DisruptionBudgets = disruptionBudgets;
        Ingresses = ingresses;
        Routes = routes;
        Autoscalers = autoscalers;
        Errors = errors;
    }

    /// <summary>The input.</summary>
    public ManifestSet Manifests { get; }

    /// <summary>Every object of the input (including kinds the model does not type, such as BackendConfig).</summary>
    public IReadOnlyList<KubeObject> Objects => Manifests.Objects;

    /// <summary>Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Pods and Argo Rollouts.</summary>
    public IReadOnlyList<Workload> Workloads { get; }

    /// <summary>Services.</summary>
    public IReadOnlyList<Service> Services { get; }

    /// <summary>PodDisruptionBudgets.</summary>
    public IReadOnlyList<PodDisruptionBudget> DisruptionBudgets { get; }

    /// <summary>Ingresses.</summary>
    public IReadOnlyList<Ingress> Ingresses { get; }

    /// <summary>HTTPRoutes and GRPCRoutes.</summary>
    public IReadOnlyList<HttpRoute> Routes { get; }

    /// <summary>
    /// What the input holds that a user should know and that is neither a finding nor an error: objects with pods of kinds
    /// Handoff does not check, objects defined twice, kustomize patches set aside.
    /// </summary>
    public IReadOnlyList<Note> Notes { get; }

    /// <summary>HorizontalPodAutoscalers and KEDA ScaledObjects.</summary>
    public IReadOnlyList<Autoscaler> Autoscalers { get; }

    /// <summary>Reading errors and objects with fields of the wrong type (those objects are left out of the model).</summary>
    public IReadOnlyList<InputError> Errors { get; }

    /// <summary>Objects of a kind (and optionally an API group), for rules about kinds the model does not type.</summary>
    public IEnumerable<KubeObject> OfKind(string kind, string? group = null) =>
        Objects.Where(o => o.Kind == kind && (group is null || o.Group == group));

    /// <summary>Builds the model from parsed manifests.</summary>
    public static ClusterModel Build(ManifestSet manifests) => ModelBuilder.Build(manifests);
}
