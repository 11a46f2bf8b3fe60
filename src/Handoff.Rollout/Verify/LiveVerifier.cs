using System.Globalization;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>What one live run saw.</summary>
/// <param name="Deployment">The Deployment.</param>
/// <param name="Context">The kubeconfig context.</param>
/// <param name="Options">The run's options.</param>
/// <param name="Load">Every request.</param>
/// <param name="Events">The timeline from the watches.</param>
/// <param name="Rollout">Whether the rollout finished, and why not.</param>
/// <param name="Notes">Notes from the watches (errors, inference gaps, probe failures).</param>
/// <param name="StartedAt">The wall-clock t=0.</param>
/// <param name="Cancelled">Whether Ctrl+C stopped it early.</param>
public sealed record LiveVerifyResult(
    DeploymentInfo Deployment,
    string Context,
    LiveVerifyOptions Options,
    LoadResult Load,
    IReadOnlyList<TimelineEvent> Events,
    RolloutOutcome Rollout,
    IReadOnlyList<string> Notes,
    DateTimeOffset StartedAt,
    bool Cancelled);

/// <summary>Runs 'handoff verify' after a passed preflight: watches, load, trigger, follow, tail; then stops everything.</summary>
public static class LiveVerifier
{
    /// <summary>Runs once; bounded by <see cref="LiveRolloutOptions.Timeout"/> plus the request timeout.</summary>
    /// <param name="kubectl">The cluster client with the context pinned (from the preflight).</param>
    /// <param name="preflight">A passed preflight.</param>
    /// <param name="options">Load and rollout options.</param>
    /// <param name="time">The clock.</param>
    /// <param name="progress">Receives a line now and then (may be null).</param>
    /// <param name="cancellationToken">Ctrl+C: stops early and returns what was seen.</param>
    /// <exception cref="KubectlException">The watches could not start.</exception>
    public static async Task<LiveVerifyResult> RunAsync(
        IClusterClient kubectl,
        PreflightResult preflight,
        LiveVerifyOptions options,
        TimeProvider time,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        ArgumentNullException.ThrowIfNull(preflight);
        ArgumentNullException.ThrowIfNull(options);
        var deployment = preflight.Deployment ?? throw new ArgumentException("The preflight did not pass.", nameof(preflight));
        var clock = new RunClock(time);
        var timeline = new LiveTimeline();
        await using var watcher = new LiveWatcher(kubectl, deployment, timeline, clock);
        await watcher.StartAsync(options.Rollout.WatchReadyTimeout, cancellationToken);
        progress?.Report($"watching {timeline.PodNames.Count} pod(s) of deployment/{deployment.Name}; sending {options.RequestsPerSecond} req/s to {options.Target}");

        var deadline = clock.Elapsed + options.Rollout.Timeout;
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var generator = new LoadGenerator(clock);
        var load = generator.RunAsync(new LoadOptions
        {
            Target = options.Target,
            Mode = LoadMode.OpenLoop,
            RequestsPerSecond = options.RequestsPerSecond,
            Connections = options.Connections,
            Timeout = options.RequestTimeout,
            BackendHeader = options.BackendHeader,
            Duration = options.Rollout.Timeout,
            SkipCertificateCheck = options.SkipCertificateCheck,
        }, stopLoad.Token);

        RolloutOutcome outcome;
        try
        {
            await Task.WhenAny(load, Task.Delay(options.Rollout.Baseline, time, cancellationToken));
            // Completed is read first: Failed, read after it, can only have grown, so 'every one failed' is not missed.
            var counters = generator.Counters;
            var completed = counters.Completed;
            var failed = counters.Failed;
            if (completed > 0 && failed >= completed)
            {
                // Nothing works before the rollout: restarting someone's Deployment would prove nothing.
                await stopLoad.CancelAsync();
                await load;
                throw new BaselineFailedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"every request of the {options.Rollout.Baseline.TotalSeconds:0.#} s baseline failed ({completed} of {completed}) before any rollout, so none was started. First error: {counters.FirstError ?? "a 5xx response"}.{Hint(options, counters.FirstError)}"));
            }

            progress?.Report($"baseline: {counters.Sent} sent, {counters.Failed} failed; starting the rollout");
            outcome = await LiveRollout.DriveAsync(kubectl, deployment, timeline, options.Rollout, clock, deadline, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = new RolloutOutcome(false, "The run was cancelled before the end.");
        }
        catch (KubectlException exception)
        {
            outcome = new RolloutOutcome(false, exception.Message);
        }

        await stopLoad.CancelAsync();
        var records = await load;
        progress?.Report($"done: {generator.Counters.Sent} sent, {generator.Counters.Failed} failed");
        await watcher.DisposeAsync();
        return new LiveVerifyResult(
            deployment,
            preflight.Context,
            options,
            records,
            timeline.Snapshot(),
            outcome,
            timeline.Notes,
            clock.StartedAt,
            cancellationToken.IsCancellationRequested);
    }

    private static string Hint(LiveVerifyOptions options, string? error) =>
        options.Target.Scheme == Uri.UriSchemeHttps && !options.SkipCertificateCheck && error?.Contains("certificate", StringComparison.OrdinalIgnoreCase) == true
            ? " If the endpoint's certificate is self-signed on purpose, pass --insecure."
            : " Check --url with curl first.";
}

/// <summary>Every request sent before the rollout failed; the rollout was not started.</summary>
public sealed class BaselineFailedException : Exception
{
    /// <summary>Creates the exception with a sentence a user can act on.</summary>
    public BaselineFailedException(string message)
        : base(message)
    {
    }
}
