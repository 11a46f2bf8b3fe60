using System.Text.Json;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Verify;

/// <summary>Follows a Deployment through three kubectl watches (pods, EndpointSlices, pod Events) into a <see cref="LiveTimeline"/>.</summary>
/// <remarks>
/// The calls, each with the pinned --context and --namespace:
/// <c>kubectl get pods -l SELECTOR -o json --watch --output-watch-events</c>,
/// <c>kubectl get endpointslices.discovery.k8s.io -o json --watch --output-watch-events</c> (every slice in the
/// namespace; entries of other pods are dropped, so no Service lookup is needed), and
/// <c>kubectl get events --field-selector involvedObject.kind=Pod -o json --watch-only --output-watch-events</c>
/// (only new events: old ones would describe earlier rollouts). Disposing ends all three processes.
/// </remarks>
public sealed class LiveWatcher : IAsyncDisposable
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(20);

    // How long a reader may take to see its stream end once the watch is stopped.
    private static readonly TimeSpan ReaderDrain = TimeSpan.FromSeconds(5);

    private readonly IClusterClient _kubectl;
    private readonly DeploymentInfo _deployment;
    private readonly RunClock _clock;
    private readonly List<(IWatchStream Process, Task Reader, string Name)> _streams = [];
    private readonly CancellationTokenSource _stop = new();
    private HashSet<string> _initialPods = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates a watcher; nothing starts before <see cref="StartAsync"/>.</summary>
    /// <param name="kubectl">The cluster client, with the context pinned.</param>
    /// <param name="deployment">The Deployment from the preflight.</param>
    /// <param name="timeline">Where events go.</param>
    /// <param name="clock">The run's clock: events are stamped with its time since t=0, and the waits run on its time source.</param>
    public LiveWatcher(IClusterClient kubectl, DeploymentInfo deployment, LiveTimeline timeline, RunClock clock)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(clock);
        _kubectl = kubectl;
        _deployment = deployment;
        Timeline = timeline;
        _clock = clock;
    }

    /// <summary>The timeline the watches feed.</summary>
    public LiveTimeline Timeline { get; }

    /// <summary>The three watch calls, as argument lists (without --context and --namespace).</summary>
    public IReadOnlyList<IReadOnlyList<string>> WatchCalls =>
    [
        ["get", "pods", "--selector", _deployment.Selector, "--output", "json", "--watch", "--output-watch-events"],
        ["get", "endpointslices.discovery.k8s.io", "--output", "json", "--watch", "--output-watch-events"],
        ["get", "events", "--field-selector", "involvedObject.kind=Pod", "--output", "json", "--watch-only", "--output-watch-events"],
    ];

    /// <summary>Lists the pods that exist now, starts the watches, and waits until the pod watch has reported them.</summary>
    /// <param name="readyTimeout">How long to wait for the pod watch to report every existing pod.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <exception cref="KubectlException">A listing failed, or the watches did not come up in time.</exception>
    public async Task StartAsync(TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var listing = await _kubectl.RunAsync(
            ["get", "pods", "--selector", _deployment.Selector, "--output", "json"], namespaced: true, cancellationToken);
        if (!listing.Succeeded)
        {
            throw new KubectlException($"kubectl could not list the pods of '{_deployment.Name}': {listing.ErrorLine}");
        }

        using (var document = JsonDocument.Parse(listing.StandardOutput))
        {
            _initialPods = KubeJson.Array(document.RootElement, "items")
                .Select(item => KubeJson.String(item, "metadata", "name"))
                .OfType<string>()
                .ToHashSet(StringComparer.Ordinal);
        }

        string[] names = ["pods", "endpointslices", "events"];
        for (var i = 0; i < names.Length; i++)
        {
            var process = _kubectl.StartStream(WatchCalls[i], namespaced: true);
            var index = i;
            _streams.Add((process, Task.Run(() => ReadAsync(process, names[index]), CancellationToken.None), names[i]));
        }

        using var bound = new CancellationTokenSource(readyTimeout, _clock.Time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            while (!_initialPods.All(pod => Timeline.PodNames.Contains(pod, StringComparer.Ordinal)))
            {
                if (_streams.FirstOrDefault(s => s.Process.HasExited) is { Process: not null } dead)
                {
                    throw new KubectlException(
                        $"The {dead.Name} watch ended at once ({dead.Process.ExitCode}): {FirstLine(dead.Process.StandardError)}");
                }

                await Task.Delay(ReadyPoll, _clock.Time, wait.Token);
            }
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubectlException(
                $"The pod watch did not report the {_initialPods.Count} existing pods within {readyTimeout.TotalSeconds:0} s.", exception);
        }
    }

    /// <summary>Stops every watch and waits for the readers to drain.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        foreach (var (process, reader, _) in _streams)
        {
            await process.DisposeAsync();
            try
            {
                await reader.WaitAsync(ReaderDrain, _clock.Time);
            }
            catch (TimeoutException)
            {
                // The reader is stuck on a pipe that a killed process left open; it ends with the process.
            }
        }

        _stop.Dispose();
    }

    private async Task ReadAsync(IWatchStream process, string name)
    {
        try
        {
            await foreach (var watchEvent in WatchStreamReader.ReadAsync(process.StandardOutput, _stop.Token))
            {
                var podName = string.Equals(watchEvent.Kind, "Pod", StringComparison.Ordinal)
                    ? KubeJson.String(watchEvent.Object, "metadata", "name")
                    : null;
                var initial = podName is not null
                    && string.Equals(watchEvent.Type, WatchEvent.Added, StringComparison.Ordinal)
                    && _initialPods.Contains(podName);
                Timeline.Apply(watchEvent, _clock.Elapsed, initial);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception exception) when (exception is FormatException or IOException)
        {
            Timeline.AddNote($"The {name} watch stopped: {exception.Message}");
            return;
        }

        if (!_stop.IsCancellationRequested)
        {
            Timeline.AddNote($"The {name} watch ended early ({FirstLine(process.StandardError)}); later changes of {name} are missing.");
        }
    }

    private static string FirstLine(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";
}
