namespace Handoff.Analysis.Model;

/// <summary>Annotations a user adds where the manifest cannot show a fact (DESIGN.md, "Declarations").</summary>
public static class HandoffAnnotations
{
    /// <summary>Rule ids to suppress, comma-separated, on the object or its pod template.</summary>
    public const string Ignore = "handoff.dev/ignore";

    /// <summary>The app's drain time D in seconds (how long in-flight requests may take after SIGTERM).</summary>
    public const string DrainSeconds = "handoff.dev/drain-seconds";

    /// <summary>An in-app delay after SIGTERM during which the app still serves; counts towards S.</summary>
    public const string ShutdownDelaySeconds = "handoff.dev/shutdown-delay-seconds";

    /// <summary>How long an httpGet or exec preStop that is not a plain sleep takes.</summary>
    public const string PreStopSeconds = "handoff.dev/prestop-seconds";

    /// <summary>
    /// How long the app's long-lived connections (WebSockets, SSE, gRPC streams) take to drain after it stops listening,
    /// in seconds; declares that the workload keeps them (HO111), and 0 that it keeps none.
    /// </summary>
    public const string LongLivedDrainSeconds = "handoff.dev/long-lived-drain-seconds";

    /// <summary>Reads a numeric annotation from the pod template, then the object; null when absent or not a number.</summary>
    public static double? Seconds(Workload workload, string name)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var text = workload.Pod.Annotations.TryGetValue(name, out var onPod) ? onPod
            : workload.Object.Annotations.TryGetValue(name, out var onObject) ? onObject : null;
        if (text is null)
        {
            return null;
        }

        return Kubernetes.Durations.ParseSeconds(text);
    }

    /// <summary>The rule ids suppressed on the object or its pod template.</summary>
    public static IEnumerable<string> Ignored(Workload? workload, Manifests.KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        IEnumerable<string> Split(string? value) => value is null ? [] : value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var fromObject = Split(obj.Annotations.GetValueOrDefault(Ignore));
        var fromPod = workload is null ? [] : Split(workload.Pod.Annotations.GetValueOrDefault(Ignore));
        return fromObject.Concat(fromPod);
    }
}
