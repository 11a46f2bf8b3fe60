using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Handoff.Rollout.Cluster;

/// <summary>Runs kubectl as a child process: arguments as a list (never through a shell), bounded in time.</summary>
/// <remarks>
/// kubectl is the transport to the cluster because it brings every auth plugin and kubeconfig setting the user
/// already has (gke-gcloud-auth-plugin, aws eks get-token, OIDC, client certificates). Every call gets the same
/// --context; namespaced calls also get --namespace.
/// </remarks>
public sealed class Kubectl : IClusterClient
{
    private readonly KubectlOptions _options;
    private readonly string _executable;
    private readonly TimeProvider _time;

    private Kubectl(KubectlOptions options, string executable, TimeProvider time)
    {
        _options = options;
        _executable = executable;
        _time = time;
    }

    /// <summary>The options this runner was made with.</summary>
    public KubectlOptions Options => _options;

    /// <inheritdoc/>
    public string? Context => _options.Context;

    /// <inheritdoc/>
    public string? Namespace => _options.Namespace;

    /// <summary>The resolved path of the kubectl executable.</summary>
    public string Executable => _executable;

    /// <summary>Finds the executable and returns a runner, or null with a user-facing reason.</summary>
    /// <param name="options">Which kubectl, context and namespace.</param>
    /// <param name="error">Why kubectl cannot be used, when the result is null.</param>
    public static Kubectl? TryCreate(KubectlOptions options, out string? error) => TryCreate(options, TimeProvider.System, out error);

    /// <summary>Finds the executable and returns a runner whose call timeouts run on <paramref name="time"/>, or null with a user-facing reason.</summary>
    /// <param name="options">Which kubectl, context and namespace.</param>
    /// <param name="time">The clock the call timeouts wait on.</param>
    /// <param name="error">Why kubectl cannot be used, when the result is null.</param>
    public static Kubectl? TryCreate(KubectlOptions options, TimeProvider time, out string? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var resolved = ResolveExecutable(options.Path);
        if (resolved is null)
        {
            error = options.Path.Contains('/', StringComparison.Ordinal)
                ? $"kubectl '{options.Path}' does not exist or is not executable; pass --kubectl with the path of a kubectl binary."
                : $"'{options.Path}' was not found on PATH; install kubectl or pass --kubectl with its path.";
            return null;
        }

        error = null;
        return new Kubectl(options, resolved, time);
    }

    /// <summary>Finds an executable by path, or by name on PATH; null when there is none.</summary>
    public static string? ResolveExecutable(string pathOrName)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathOrName);
        if (pathOrName.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutableFile(pathOrName) ? Path.GetFullPath(pathOrName) : null;
        }

        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, pathOrName);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs one kubectl call to its end (bounded by <see cref="KubectlOptions.CallTimeout"/>).</summary>
    /// <param name="arguments">The kubectl arguments, without --context and --namespace.</param>
    /// <param name="namespaced">Whether to add --namespace.</param>
    /// <param name="cancellationToken">Stops the call (the process is killed).</param>
    /// <exception cref="KubectlException">kubectl could not start, or did not finish in time.</exception>
    public Task<KubectlResult> RunAsync(IReadOnlyList<string> arguments, bool namespaced, CancellationToken cancellationToken)
        => RunAsync(arguments, namespaced, _options.CallTimeout, cancellationToken);

    /// <summary>Runs one kubectl call to its end, bounded by <paramref name="timeout"/>.</summary>
    /// <exception cref="KubectlException">kubectl could not start, or did not finish in time.</exception>
    public Task<KubectlResult> RunAsync(
        IReadOnlyList<string> arguments, bool namespaced, TimeSpan timeout, CancellationToken cancellationToken)
        => RunCoreAsync(WithGlobalFlags(arguments, namespaced), timeout, cancellationToken);

    /// <summary>Runs a call that reads only the kubeconfig ('kubectl config ...'): no --context, no --namespace.</summary>
    /// <exception cref="KubectlException">kubectl could not start, or did not finish in time.</exception>
    public Task<KubectlResult> RunLocalAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        => RunCoreAsync([.. arguments], _options.CallTimeout, cancellationToken);

    /// <summary>A runner like this one that names <paramref name="context"/> and <paramref name="namespace"/> explicitly in every call.</summary>
    /// <remarks>Pinning the context found at start keeps a run on one cluster even if the kubeconfig's current context changes meanwhile.</remarks>
    public Kubectl WithContext(string context, string @namespace)
        => new(new KubectlOptions
        {
            Path = _options.Path,
            Context = context,
            Namespace = @namespace,
            CallTimeout = _options.CallTimeout,
        }, _executable, _time);

    /// <inheritdoc/>
    IClusterClient IClusterClient.WithContext(string context, string @namespace) => WithContext(context, @namespace);

    /// <inheritdoc/>
    IWatchStream IClusterClient.StartStream(IReadOnlyList<string> arguments, bool namespaced) => StartStream(arguments, namespaced);

    private async Task<KubectlResult> RunCoreAsync(List<string> full, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Start(full, _executable);
        using var timer = new CancellationTokenSource(timeout, _time);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
            return new KubectlResult(full, process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubectlException(
                $"'{Describe(full)}' did not finish within {timeout.TotalSeconds:0.#} s; is the cluster reachable?", exception);
        }
        finally
        {
            KillQuietly(process);
        }
    }

    /// <summary>Starts a long-running kubectl call (a watch) whose stdout the caller reads.</summary>
    /// <param name="arguments">The kubectl arguments, without --context and --namespace.</param>
    /// <param name="namespaced">Whether to add --namespace.</param>
    /// <exception cref="KubectlException">kubectl could not start.</exception>
    public KubectlProcess StartStream(IReadOnlyList<string> arguments, bool namespaced)
    {
        var full = WithGlobalFlags(arguments, namespaced);
        return new KubectlProcess(Start(full, _executable), full, _time);
    }

    /// <summary>The call as a user would type it, for messages (arguments with spaces are quoted).</summary>
    public static string Describe(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var builder = new StringBuilder("kubectl");
        foreach (var argument in arguments)
        {
            builder.Append(' ');
            builder.Append(argument.Contains(' ', StringComparison.Ordinal) || argument.Length == 0 ? $"\"{argument}\"" : argument);
        }

        return builder.ToString();
    }

    internal static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to end.
        }
        catch (Win32Exception)
        {
            // The process exited between the check and the kill.
        }
    }

    private List<string> WithGlobalFlags(IReadOnlyList<string> arguments, bool namespaced)
    {
        var full = new List<string>(arguments);
        if (_options.Context is { Length: > 0 } context)
        {
            full.Add("--context");
            full.Add(context);
        }

        if (namespaced)
        {
            full.Add("--namespace");
            full.Add(_options.Namespace ?? KubectlDefaults.Namespace);
        }

        return full;
    }

    private static Process Start(IReadOnlyList<string> arguments, string executable)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(startInfo)
                ?? throw new KubectlException($"'{executable}' did not start.");

            // kubectl never reads stdin here; closing it keeps an exec auth plugin from waiting for a prompt.
            process.StandardInput.Close();
            return process;
        }
        catch (Win32Exception exception)
        {
            throw new KubectlException($"'{executable}' could not be started: {exception.Message}.", exception);
        }
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != UnixFileMode.None;
    }
}
