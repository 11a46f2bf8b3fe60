namespace Handoff.Rollout.Cluster;

/// <summary>
/// The port verify reaches one cluster through: calls in kubectl's argument language (get, auth can-i, rollout ...)
/// against one kubeconfig context and namespace, and long-running watch streams.
/// </summary>
/// <remarks>
/// <see cref="Kubectl"/> is the implementation: it runs the user's kubectl as a child process, so every auth plugin and
/// kubeconfig setting works. Verify orchestration (<c>Verify/</c>) depends only on this interface.
/// </remarks>
public interface IClusterClient
{
    /// <summary>The kubeconfig context every cluster call names; null for the kubeconfig's current context.</summary>
    string? Context { get; }

    /// <summary>The namespace namespaced calls name; null for the context's namespace.</summary>
    string? Namespace { get; }

    /// <summary>Runs one call to its end, bounded by the client's own call timeout.</summary>
    /// <param name="arguments">The arguments, without --context and --namespace.</param>
    /// <param name="namespaced">Whether to add --namespace.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <exception cref="KubectlException">The call could not start, or did not finish in time.</exception>
    Task<KubectlResult> RunAsync(IReadOnlyList<string> arguments, bool namespaced, CancellationToken cancellationToken);

    /// <summary>Runs one call to its end, bounded by <paramref name="timeout"/>.</summary>
    /// <exception cref="KubectlException">The call could not start, or did not finish in time.</exception>
    Task<KubectlResult> RunAsync(IReadOnlyList<string> arguments, bool namespaced, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Runs a call that reads only the kubeconfig ('config ...'): no --context, no --namespace.</summary>
    /// <exception cref="KubectlException">The call could not start, or did not finish in time.</exception>
    Task<KubectlResult> RunLocalAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken);

    /// <summary>A client like this one that names <paramref name="context"/> and <paramref name="namespace"/> explicitly in every call.</summary>
    IClusterClient WithContext(string context, string @namespace);

    /// <summary>Starts a long-running call (a watch) whose output the caller reads.</summary>
    /// <param name="arguments">The arguments, without --context and --namespace.</param>
    /// <param name="namespaced">Whether to add --namespace.</param>
    /// <exception cref="KubectlException">The call could not start.</exception>
    IWatchStream StartStream(IReadOnlyList<string> arguments, bool namespaced);
}

/// <summary>A running watch: its output as a stream, its errors kept for messages; disposing ends it.</summary>
public interface IWatchStream : IAsyncDisposable
{
    /// <summary>The call's arguments.</summary>
    IReadOnlyList<string> Arguments { get; }

    /// <summary>The watch's output (one JSON watch event after another), raw bytes.</summary>
    Stream StandardOutput { get; }

    /// <summary>Whether the watch has ended.</summary>
    bool HasExited { get; }

    /// <summary>The exit code, once ended.</summary>
    int ExitCode { get; }

    /// <summary>What the watch wrote to its error stream so far (the first few kilobytes).</summary>
    string StandardError { get; }
}
