namespace Handoff.Analysis.Rules;

/// <summary>Sources rules cite, in one place so that docs/rules.md links them consistently.</summary>
public static class Sources
{
    /// <summary>Pod termination: preStop, SIGTERM, grace period, the 2 s extension.</summary>
    public const string PodTermination = "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination";

    /// <summary>Container lifecycle hooks, including the sleep action.</summary>
    public const string LifecycleHooks = "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/";

    /// <summary>KEP-3960, the preStop sleep action (alpha 1.29, beta 1.30, GA 1.34).</summary>
    public const string SleepActionKep = "https://github.com/kubernetes/enhancements/issues/3960";

    /// <summary>Deployment rolling update parameters.</summary>
    public const string RollingUpdate = "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment";

    /// <summary>PodDisruptionBudgets.</summary>
    public const string Disruptions = "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/";

    /// <summary>Configuring PodDisruptionBudgets.</summary>
    public const string ConfigurePdb = "https://kubernetes.io/docs/tasks/run-application/configure-pdb/";

    /// <summary>Liveness, readiness and startup probes.</summary>
    public const string Probes = "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/";

    /// <summary>The timing model and the seed articles' numbers.</summary>
    public const string TimingModel = "docs/timing-model.md";
}
