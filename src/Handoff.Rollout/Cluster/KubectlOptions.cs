namespace Handoff.Rollout.Cluster;

/// <summary>How to call kubectl: which binary, which context and namespace, and how long a call may take.</summary>
/// <remarks>
/// Defaults: <see cref="Path"/> is "kubectl" (found on PATH), no explicit context (the kubeconfig's current
/// context), the context's namespace, <see cref="CallTimeout"/> 30 seconds (see <see cref="KubectlDefaults"/>).
/// </remarks>
public sealed class KubectlOptions
{
    /// <summary>The kubectl executable: a bare name searched on PATH, or a path. Defaults to "kubectl".</summary>
    public string Path { get; init; } = KubectlDefaults.Executable;

    /// <summary>The kubeconfig context passed as --context; null uses the current context.</summary>
    public string? Context { get; init; }

    /// <summary>The namespace of the Deployment and its pods; null uses the context's namespace ("default" when it names none).</summary>
    public string? Namespace { get; init; }

    /// <summary>The longest a one-shot call (not a watch) may run. Defaults to 30 seconds.</summary>
    public TimeSpan CallTimeout { get; init; } = KubectlDefaults.CallTimeout;
}

/// <summary>Default values of <see cref="KubectlOptions"/>.</summary>
public static class KubectlDefaults
{
    /// <summary>The executable name searched on PATH.</summary>
    public const string Executable = "kubectl";

    /// <summary>The namespace used when neither the options nor the context name one.</summary>
    public const string Namespace = "default";

    /// <summary>The longest a one-shot call may run.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
}
