using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>Notes about the model: objects with pods that nothing checks, and objects defined more than once.</summary>
internal static class ModelNotes
{
    /// <summary>Kinds known to run pods without a pod template Handoff can read (operators make the pods).</summary>
    private static readonly HashSet<(string Group, string Kind)> OperatorKinds =
    [
        ("monitoring.coreos.com", "Prometheus"), ("monitoring.coreos.com", "Alertmanager"),
        ("monitoring.coreos.com", "ThanosRuler"), ("monitoring.coreos.com", "PrometheusAgent"),
        ("serving.knative.dev", "Service"), ("serving.knative.dev", "Configuration"),
        ("argoproj.io", "Workflow"), ("argoproj.io", "CronWorkflow"), ("argoproj.io", "WorkflowTemplate"),
        ("batch", "Job"), ("batch", "CronJob"),
        ("postgresql.cnpg.io", "Cluster"), ("kafka.strimzi.io", "Kafka"), ("elasticsearch.k8s.elastic.co", "Elasticsearch"),
    ];

    /// <summary>
    /// Objects that run pods but are not workloads Handoff checks, named so they do not vanish: operator custom
    /// resources (their pods come from the operator), Knative Services, Argo Workflows, Jobs and CronJobs.
    /// </summary>
    /// <remarks>
    /// Jobs and CronJobs are left out on purpose: their pods run to completion and have no rollout or Service
    /// endpoints to hand over; they are still named, so a reader sees they were seen.
    /// </remarks>
    public static IEnumerable<Note> NotChecked(IReadOnlyList<KubeObject> objects, IReadOnlyList<Workload> workloads)
    {
        var notChecked = NotCheckedObjects(objects, workloads);
        if (notChecked.Count == 0)
        {
            yield break;
        }

        var names = string.Join(", ", notChecked.Select(Describe));
        yield return new Note("not-checked",
            $"{Note.Count(notChecked.Count, "object")} with pods {(notChecked.Count == 1 ? "was" : "were")} not checked: {names}. " +
            "Handoff checks Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Pods and Argo Rollouts; " +
            "an operator makes the pods of its custom resources from a spec Handoff cannot see, and Jobs run to completion.",
            [.. notChecked.Select(o => o.LocationOf())]);
    }

    /// <summary>The objects <see cref="NotChecked"/> names: they run pods Handoff does not model.</summary>
    public static List<KubeObject> NotCheckedObjects(IReadOnlyList<KubeObject> objects, IReadOnlyList<Workload> workloads)
    {
        var modeled = new HashSet<KubeObject>(workloads.Select(w => w.Object), ReferenceEqualityComparer.Instance);
        // Built-in workload kinds that are not in the model had errors, which are reported already.
        return objects.Where(o => !modeled.Contains(o) && !IsBuiltInWorkload(o) && RunsPods(o)).ToList();
    }

    /// <summary>Objects of the same kind, namespace and name written more than once (dev and prod overlays in one tree).</summary>
    public static IEnumerable<Note> DefinedTwice(IReadOnlyList<KubeObject> objects)
    {
        foreach (var group in objects.Where(o => o.Name.Length > 0 && o.Kind != "Kustomization")
            .GroupBy(o => (o.Group, o.Kind, o.Namespace, o.Name)).Where(g => g.Count() > 1))
        {
            var copies = group.ToList();
            var places = string.Join(", ", copies.Select(o => $"{o.File.DisplayName}:{o.LocationOf().Line}"));
            yield return new Note("defined-twice",
                $"{copies[0].Ref} is defined {copies.Count} times ({places}); each copy is checked on its own and linked to the objects of its own folder, kustomization or chart first. " +
                "If they are overlays of one app, check each rendered overlay on its own ('kubectl kustomize overlays/prod | handoff check -').",
                [.. copies.Select(o => o.LocationOf())]);
        }
    }

    private static string Describe(KubeObject o) =>
        $"{o.Kind} {o.Namespace}/{(o.Name.Length > 0 ? o.Name : "(generateName)")} ({(o.Group.Length == 0 ? "v1" : o.Group)})";

    private static bool IsBuiltInWorkload(KubeObject obj) =>
        obj.Group is "apps" or "extensions" || (obj.Group.Length == 0 && obj.Kind is "Pod" or "ReplicationController" or "PodTemplate");

    private static bool RunsPods(KubeObject obj)
    {
        if (OperatorKinds.Contains((obj.Group, obj.Kind)))
        {
            return true;
        }

        // Any other kind holding a pod spec (a list of containers with images) a few levels down: spec.template.spec,
        // spec.jobTemplate.spec.template.spec, spec.podTemplate.spec and the like.
        return obj.Node["spec"] is YMap spec && HoldsContainers(spec, depth: 0);
    }

    private static bool HoldsContainers(YMap map, int depth)
    {
        if (map["containers"] is YSeq { Items.Count: > 0 } containers && containers.Items[0] is YMap first && first["image"] is YScalar)
        {
            return true;
        }

        if (depth >= 5)
        {
            return false;
        }

        foreach (var (_, value) in map.Entries)
        {
            if (value is YMap child && HoldsContainers(child, depth + 1))
            {
                return true;
            }
        }

        return false;
    }
}
