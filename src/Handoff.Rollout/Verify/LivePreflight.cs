using System.Text.Json;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>The outcome of the checks made before any load is sent.</summary>
/// <param name="Deployment">The Deployment, when every check passed.</param>
/// <param name="Context">The kubeconfig context in use (the explicit one, or the current one).</param>
/// <param name="Errors">One sentence per problem; empty when the run may start.</param>
/// <param name="Cluster">The cluster client with context and namespace pinned, for the run.</param>
public sealed record PreflightResult(DeploymentInfo? Deployment, string Context, IReadOnlyList<string> Errors, IClusterClient? Cluster = null)
{
    /// <summary>Whether the run may start.</summary>
    public bool Passed => Errors.Count == 0 && Deployment is not null;
}

/// <summary>One permission verify needs: a verb on a resource, and why.</summary>
/// <param name="Verb">get, list, watch or patch.</param>
/// <param name="Resource">The resource as 'kubectl auth can-i' takes it ("pods", "endpointslices.discovery.k8s.io").</param>
/// <param name="Why">What verify does with it.</param>
public sealed record LivePermission(string Verb, string Resource, string Why);

/// <summary>Checks kubectl, the context, RBAC and the Deployment before a run, so a mistake costs no load.</summary>
public static class LivePreflight
{
    /// <summary>Read-only permissions every run needs.</summary>
    public static readonly IReadOnlyList<LivePermission> ReadPermissions =
    [
        new("get", "pods", "read pod specs and container exit codes"),
        new("list", "pods", "list the Deployment's pods"),
        new("watch", "pods", "follow pod readiness and deletion"),
        new("list", "endpointslices.discovery.k8s.io", "list endpoint conditions"),
        new("watch", "endpointslices.discovery.k8s.io", "follow ready/serving/terminating endpoints"),
        new("list", "events", "list pod events"),
        new("watch", "events", "follow Killing, FailedPreStopHook and Unhealthy events"),
        new("get", "deployments.apps", "read the Deployment"),
        new("list", "deployments.apps", "follow the rollout (kubectl rollout status)"),
        new("watch", "deployments.apps", "follow the rollout (kubectl rollout status)"),
    ];

    /// <summary>The permission the default trigger needs (kubectl rollout restart patches the pod template).</summary>
    public static readonly LivePermission RestartPermission = new("patch", "deployments.apps", "kubectl rollout restart");

    /// <summary>Runs every check; errors are collected, not thrown.</summary>
    /// <param name="kubectl">The cluster client (it carries context and namespace).</param>
    /// <param name="deployment">The Deployment's name.</param>
    /// <param name="needsRestart">Whether the run will call 'kubectl rollout restart'.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    public static async Task<PreflightResult> RunAsync(
        IClusterClient kubectl, string deployment, bool needsRestart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        ArgumentException.ThrowIfNullOrEmpty(deployment);
        var errors = new List<string>();
        var context = await CheckContextAsync(kubectl, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return new PreflightResult(null, context, errors);
        }

        var @namespace = kubectl.Namespace ?? await ContextNamespaceAsync(kubectl, context, cancellationToken);
        kubectl = kubectl.WithContext(context, @namespace);

        var permissions = needsRestart ? [.. ReadPermissions, RestartPermission] : ReadPermissions;
        await CheckPermissionsAsync(kubectl, permissions, context, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return new PreflightResult(null, context, errors);
        }

        var info = await ReadDeploymentAsync(kubectl, deployment, context, errors, cancellationToken);
        return new PreflightResult(info, context, errors, kubectl);
    }

    private static async Task<string> CheckContextAsync(IClusterClient kubectl, List<string> errors, CancellationToken cancellationToken)
    {
        // 'config' subcommands read only the kubeconfig, so --context must not be appended to them.
        var contexts = await RunAsync(kubectl, ["config", "get-contexts", "--output", "name"], errors, cancellationToken);
        if (contexts is null)
        {
            return string.Empty;
        }

        if (!contexts.Succeeded)
        {
            errors.Add($"kubectl could not read the kubeconfig: {contexts.ErrorLine}");
            return string.Empty;
        }

        var names = contexts.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (kubectl.Context is { Length: > 0 } wanted)
        {
            if (!names.Contains(wanted, StringComparer.Ordinal))
            {
                errors.Add(names.Length == 0
                    ? $"Context '{wanted}' does not exist: the kubeconfig has no contexts."
                    : $"Context '{wanted}' does not exist in the kubeconfig; it has: {string.Join(", ", names.Select(n => $"'{n}'"))}.");
            }

            return wanted;
        }

        var current = await RunAsync(kubectl, ["config", "current-context"], errors, cancellationToken);
        if (current is null)
        {
            return string.Empty;
        }

        if (!current.Succeeded || current.StandardOutput.Trim().Length == 0)
        {
            errors.Add($"No current context is set in the kubeconfig ({current.ErrorLine}); pass --context.");
            return string.Empty;
        }

        return current.StandardOutput.Trim();
    }

    private static async Task<string> ContextNamespaceAsync(IClusterClient kubectl, string context, CancellationToken cancellationToken)
    {
        // The namespace a context names is what plain 'kubectl get' would use; "default" when it names none.
        string named;
        try
        {
            var view = await kubectl.RunLocalAsync(
                ["config", "view", "--minify", "--context", context, "--output", "jsonpath={.contexts[0].context.namespace}"], cancellationToken);
            named = view.Succeeded ? view.StandardOutput.Trim() : string.Empty;
        }
        catch (KubectlException)
        {
            // The kubeconfig was readable a moment ago; if this call fails, the later calls say why.
            named = string.Empty;
        }

        return named.Length > 0 ? named : KubectlDefaults.Namespace;
    }

    private static async Task CheckPermissionsAsync(
        IClusterClient kubectl,
        IReadOnlyList<LivePermission> permissions,
        string context,
        List<string> errors,
        CancellationToken cancellationToken)
    {
        var calls = permissions
            .Select(p => kubectl.RunAsync(["auth", "can-i", p.Verb, p.Resource], namespaced: true, cancellationToken))
            .ToList();
        KubectlResult[] results;
        try
        {
            results = await Task.WhenAll(calls);
        }
        catch (KubectlException exception)
        {
            errors.Add(exception.Message);
            return;
        }

        var missing = new List<string>();
        for (var i = 0; i < results.Length; i++)
        {
            var answer = results[i].StandardOutput.Trim();
            if (results[i].Succeeded && answer.StartsWith("yes", StringComparison.Ordinal))
            {
                continue;
            }

            if (answer.StartsWith("no", StringComparison.Ordinal))
            {
                missing.Add($"{permissions[i].Verb} {permissions[i].Resource} ({permissions[i].Why})");
                continue;
            }

            // Neither yes nor no: kubectl could not ask (unreachable server, expired credentials).
            errors.Add($"kubectl could not reach the cluster of context '{context}': {results[i].ErrorLine}");
            return;
        }

        if (missing.Count > 0)
        {
            errors.Add($"Missing RBAC permissions in namespace '{kubectl.Namespace}' (context '{context}'): "
                + string.Join("; ", missing) + ". See docs/verify.md for a Role that grants them.");
        }
    }

    private static async Task<DeploymentInfo?> ReadDeploymentAsync(
        IClusterClient kubectl, string name, string context, List<string> errors, CancellationToken cancellationToken)
    {
        var result = await RunAsync(kubectl, ["get", "deployment", name, "--output", "json"], errors, cancellationToken, namespaced: true);
        if (result is null)
        {
            return null;
        }

        if (!result.Succeeded)
        {
            errors.Add(result.StandardError.Contains("NotFound", StringComparison.Ordinal)
                ? $"Deployment '{name}' was not found in namespace '{kubectl.Namespace}' (context '{context}')."
                : $"kubectl could not read Deployment '{name}': {result.ErrorLine}");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return DeploymentInfo.Parse(document.RootElement);
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            errors.Add($"kubectl printed an unreadable Deployment '{name}': {exception.Message}");
            return null;
        }
    }

    private static async Task<KubectlResult?> RunAsync(
        IClusterClient kubectl, IReadOnlyList<string> arguments, List<string> errors, CancellationToken cancellationToken, bool namespaced = false)
    {
        try
        {
            return namespaced
                ? await kubectl.RunAsync(arguments, namespaced: true, cancellationToken)
                : await kubectl.RunLocalAsync(arguments, cancellationToken);
        }
        catch (KubectlException exception)
        {
            errors.Add(exception.Message);
            return null;
        }
    }
}
