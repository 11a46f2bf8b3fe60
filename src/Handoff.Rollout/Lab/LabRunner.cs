using System.Collections.Concurrent;
using System.Globalization;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Lab;

/// <summary>Runs a rollout on one machine: real HAProxy, real app processes, emulated control plane, real load.</summary>
/// <remarks>
/// The run: start HAProxy and the old pods, wait until they are ready and in HAProxy, start the load, start the
/// rollout after a short warm-up, stop the load after the duration, then end every process. Track B (the data
/// plane) is the propagation delay: a pod leaves HAProxy that long after it starts terminating or turns unready.
/// Nothing outlives the run: processes are ended in a finally block, on process exit as a last resort, and by a
/// watchdog process when the lab itself is killed (<see cref="LabWatchdog"/>).
/// </remarks>
public sealed class LabRunner
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private readonly TimeProvider _time;

    /// <summary>Creates a runner on <paramref name="time"/>.</summary>
    public LabRunner(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Runs the lab.</summary>
    /// <exception cref="LabException">The lab cannot run here (options, HAProxy, the app).</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the load started.</exception>
    public async Task<LabResult> RunAsync(LabDeploymentSpec spec, LabOptions options, IProgress<LabProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().Concat(options.App.Problems(spec, options.Traffic.IsGrpc())).ToList();
        if (errors.Count > 0)
        {
            throw new LabException(string.Join(" ", errors));
        }

        var workDirectory = Directory.CreateTempSubdirectory("handoff-lab-").FullName;
        await using var run = new Run(spec, options, _time, workDirectory, progress);
        void LastResort(object? sender, EventArgs e) => run.KillEverything();
        AppDomain.CurrentDomain.ProcessExit += LastResort;
        try
        {
            return await run.ExecuteAsync(cancellationToken);
        }
        finally
        {
            await run.DisposeAsync();
            AppDomain.CurrentDomain.ProcessExit -= LastResort;
            KeepOrDelete(workDirectory, options.KeepFilesIn);
        }
    }

    private static void KeepOrDelete(string workDirectory, string? keepIn)
    {
        try
        {
            if (keepIn is not null)
            {
                var target = Path.Combine(keepIn, "lab-files");
                Directory.CreateDirectory(target);
                foreach (var file in Directory.EnumerateFiles(workDirectory).Where(f => !f.EndsWith(".sock", StringComparison.Ordinal)))
                {
                    File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
                }
            }

            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Logs are a convenience; a leftover temp folder is not worth failing the run for.
        }
    }

    private sealed class Run : IAsyncDisposable
    {
        private readonly LabDeploymentSpec _spec;
        private readonly LabOptions _options;
        private readonly string _workDirectory;
        private readonly IProgress<LabProgress>? _progress;
        private readonly TimeProvider _time;
        private readonly RunClock _clock;
        private readonly TimelineRecorder _timeline;
        private readonly Random _random;
        private readonly HttpClient _probeClient;
        private readonly ConcurrentDictionary<string, LabPod> _pods = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, EndpointState> _endpoints = new(StringComparer.Ordinal);
        private readonly ConcurrentBag<int> _pids = [];
        private readonly ConcurrentBag<int> _ports = [];
        private readonly ConcurrentBag<Task> _background = [];
        private readonly CancellationTokenSource _teardown = new();
        private readonly LabWatchdog _watchdog = LabWatchdog.Start();
        private HaProxyLoadBalancer? _haProxy;
        private int _nextPodIndex;
        private int _disposed;
        private string _phase = "starting";

        public Run(LabDeploymentSpec spec, LabOptions options, TimeProvider time, string workDirectory, IProgress<LabProgress>? progress)
        {
            _spec = spec;
            _options = options;
            _workDirectory = workDirectory;
            _progress = progress;
            _time = time;
            _clock = new RunClock(time);
            _timeline = new TimelineRecorder(_clock, options.OnTimelineEvent);
            Seed = options.Seed ?? Random.Shared.Next();
            _random = new Random(Seed);
            _probeClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero, AllowAutoRedirect = false })
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
        }

        private enum EndpointState
        {
            Serving,
            Removed,
        }

        public int Seed { get; }

        public async Task<LabResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            _haProxy = await HaProxyLoadBalancer.StartAsync(_options.HaProxy, _workDirectory, cancellationToken, _options.Traffic, _options.LoadBalancer);
            _pids.Add(_haProxy.Pid);
            _watchdog.Watch(_haProxy.Pid);
            _ports.Add(_haProxy.Port);
            _options.OnLoadBalancerStarted?.Invoke(new Uri($"http://127.0.0.1:{_haProxy.Port.ToString(CultureInfo.InvariantCulture)}{_options.TrafficPath}"));
            var version = (await _haProxy.CommandAsync("show info", cancellationToken))
                .Split('\n').FirstOrDefault(l => l.StartsWith("Version:", StringComparison.Ordinal))?.Trim() ?? "Version: unknown";

            for (var i = 0; i < _spec.Replicas; i++)
            {
                CreatePod(revision: 1);
            }

            await WaitForInitialPodsAsync(cancellationToken);

            var target = new Uri($"http://127.0.0.1:{_haProxy.Port.ToString(CultureInfo.InvariantCulture)}{_options.TrafficPath}");
            var loadStart = _clock.Elapsed;
            _phase = "load";
            var (loadTask, counters) = StartLoad(target, cancellationToken);
            using var progressTimer = StartProgress(counters, loadStart);

            var rolloutFinished = false;
            try
            {
                await Task.Delay(_options.WarmUp, _time, cancellationToken);
                rolloutFinished = await RollOutAsync(loadTask, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the load stops too; report what was seen.
            }

            var records = await loadTask;
            _phase = "stopping";
            ReportProgress(counters, loadStart);
            return new LabResult
            {
                Spec = _spec,
                Options = _options,
                Seed = Seed,
                Load = records,
                Events = _timeline.Snapshot(),
                RolloutFinished = rolloutFinished,
                Cancelled = cancellationToken.IsCancellationRequested,
                StartedAt = _clock.StartedAt,
                LoadBalancer = $"HAProxy {version["Version:".Length..].Trim()} in {_options.LoadBalancer.Describe()}",
                PodPropagation = _pods.Values.ToDictionary(p => p.Name, p => p.Propagation, StringComparer.Ordinal),
                ProcessIds = [.. _pids],
                Ports = [.. _ports],
            };
        }

        // HTTP: the request load generator; WebSocket, SSE, gRPC: the long-lived one. Both stamp the run's clock.
        private (Task<LoadResult> Load, LoadCounters Counters) StartLoad(Uri target, CancellationToken cancellationToken)
        {
            if (_options.Traffic.IsLongLived())
            {
                var longLived = new Load.LongLived.LongLivedGenerator(_clock);
                var options = new Load.LongLived.LongLivedOptions
                {
                    Target = target,
                    Traffic = _options.Traffic,
                    Connections = _options.Connections,
                    MessageInterval = _options.MessageInterval,
                    Duration = _options.Duration,
                    // Each client its own connection, as separate client processes in the field: behind a TCP load balancer
                    // so that each is balanced once, and for gRPC so that the GOAWAY and RST_STREAM frames it receives are its own.
                    ConnectionPerClient = _options.LoadBalancer == LoadBalancerMode.Tcp || _options.Traffic.IsGrpc(),
                };
                return (longLived.RunAsync(options, cancellationToken), longLived.Counters);
            }

            var generator = new LoadGenerator(_clock);
            var load = new LoadOptions
            {
                Target = target,
                Mode = _options.ClosedLoop ? LoadMode.ClosedLoop : LoadMode.OpenLoop,
                RequestsPerSecond = _options.RequestsPerSecond,
                Connections = _options.Connections,
                Duration = _options.Duration,
            };
            return (generator.RunAsync(load, cancellationToken), generator.Counters);
        }

        public void KillEverything()
        {
            foreach (var pod in _pods.Values)
            {
                Posix.Signal(pod.Pid, Posix.SigKill);
            }

            if (_haProxy is not null)
            {
                Posix.Signal(_haProxy.Pid, Posix.SigKill);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            await _teardown.CancelAsync();

            // Teardown is not part of the experiment: pods are killed at once, so Ctrl+C ends quickly.
            await Task.WhenAll(_pods.Values.Select(p => p.DisposeAsync().AsTask()));
            if (_haProxy is not null)
            {
                await _haProxy.DisposeAsync();
            }

            try
            {
                await Task.WhenAll(_background).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or LabException or IOException or System.Net.Sockets.SocketException)
            {
                // Background endpoint work ends with the load balancer; its errors no longer matter.
            }

            _probeClient.Dispose();
            _teardown.Dispose();
            _watchdog.Dispose();
        }

        private async Task<bool> RollOutAsync(Task loadTask, CancellationToken cancellationToken)
        {
            var controller = new RolloutController(_spec);
            _phase = "rollout";
            _timeline.Record(TimelineEventKind.RolloutStarted, string.Empty, detail: _spec.Recreate
                ? "strategy Recreate"
                : string.Create(CultureInfo.InvariantCulture, $"maxSurge {_spec.MaxSurge}, maxUnavailable {_spec.MaxUnavailable}, minReadySeconds {_spec.MinReady.TotalSeconds:0}"));
            var complete = false;
            while (!loadTask.IsCompleted)
            {
                // The controller syncs again as soon as it changed something (a scale-up, then a scale-down).
                RolloutController.Step step;
                while ((step = controller.Decide([.. _pods.Values], _clock.Elapsed)).Acts)
                {
                    for (var i = 0; i < step.Create; i++)
                    {
                        CreatePod(revision: 2);
                    }

                    foreach (var pod in step.Delete)
                    {
                        Terminate(pod);
                    }
                }

                complete = step.Complete;

                // Finished for both tracks: every old process has exited and no data plane still sends to it.
                if (complete && _pods.Values.Where(p => p.Revision == 1).All(p => p.Exited && !IsServing(p)))
                {
                    _timeline.Record(TimelineEventKind.RolloutFinished, string.Empty);
                    _phase = "rollout finished";
                    return true;
                }

                await Task.WhenAny(loadTask, Task.Delay(Tick, _time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }

            return false;
        }

        private bool IsServing(LabPod pod) => _endpoints.TryGetValue(pod.Name, out var state) && state == EndpointState.Serving;

        private void CreatePod(int revision)
        {
            var index = Interlocked.Increment(ref _nextPodIndex);
            var name = string.Create(CultureInfo.InvariantCulture, $"{_spec.Name}-v{revision}-{index}");
            var pod = LabPod.Start(name, revision, index, _options.Propagation.Draw(_random), _spec, _options.App, _workDirectory, _timeline, _probeClient, OnReadinessChangedAsync, grpc: _options.Traffic.IsGrpc());
            _pods[name] = pod;
            _pids.Add(pod.Pid);
            _watchdog.Watch(pod.Pid);
            foreach (var port in pod.Ports.All.Select(p => p.Host).Append(pod.Port).Distinct())
            {
                _ports.Add(port);
            }
        }

        private void Terminate(LabPod pod)
        {
            var trackA = pod.TerminateAsync();

            // Track B starts at the same moment as Track A and does not wait for it.
            var trackB = RemoveEndpointAfterPropagationAsync(pod, "pod terminating");
            _background.Add(DeleteServerWhenGoneAsync(pod, trackA, trackB));
        }

        private async Task DeleteServerWhenGoneAsync(LabPod pod, Task trackA, Task trackB)
        {
            await Task.WhenAll(trackA, trackB);

            // 'del server' needs the server in maintenance with no connection left; HAProxy closes idle ones lazily.
            for (var attempt = 0; attempt < 5 && _haProxy is not null && !_teardown.IsCancellationRequested; attempt++)
            {
                if (!_endpoints.ContainsKey(pod.Name) || await _haProxy.DeleteServerAsync(pod.Name, _teardown.Token))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _time, _teardown.Token);
            }
        }

        private async Task OnReadinessChangedAsync(LabPod pod, bool ready)
        {
            if (_haProxy is null || _teardown.IsCancellationRequested)
            {
                return;
            }

            if (!ready)
            {
                _background.Add(RemoveEndpointAfterPropagationAsync(pod, "pod not ready"));
                return;
            }

            if (pod.Terminating)
            {
                // A terminating pod is never added back to the endpoints.
                return;
            }

            if (_endpoints.TryGetValue(pod.Name, out var state))
            {
                if (state == EndpointState.Removed)
                {
                    await _haProxy.CommandAsync($"set server {HaProxyLoadBalancer.Backend}/{pod.Name} state ready", _teardown.Token);
                    _endpoints[pod.Name] = EndpointState.Serving;
                    _timeline.Record(TimelineEventKind.EndpointAdded, pod.Name, "haproxy", detail: "ready again");
                }

                return;
            }

            await _haProxy.AddServerAsync(pod.Name, pod.ServingPort, _teardown.Token);
            _endpoints[pod.Name] = EndpointState.Serving;
            _timeline.Record(TimelineEventKind.EndpointAdded, pod.Name, "haproxy");
        }

        private async Task RemoveEndpointAfterPropagationAsync(LabPod pod, string why)
        {
            try
            {
                await Task.Delay(pod.Propagation, _time, _teardown.Token);
                if (_haProxy is null || !_endpoints.TryGetValue(pod.Name, out var state) || state == EndpointState.Removed)
                {
                    return;
                }

                await _haProxy.SetMaintenanceAsync(pod.Name, _teardown.Token);
                _endpoints[pod.Name] = EndpointState.Removed;
                _timeline.Record(TimelineEventKind.EndpointRemoved, pod.Name, "haproxy", detail: string.Create(CultureInfo.InvariantCulture, $"{why}, after {LabDuration.Format(pod.Propagation)}"));
            }
            catch (OperationCanceledException) when (_teardown.IsCancellationRequested)
            {
                // The lab is stopping.
            }
        }

        private async Task WaitForInitialPodsAsync(CancellationToken cancellationToken)
        {
            var waitedFrom = _clock.Elapsed;
            while (_endpoints.Count(e => e.Value == EndpointState.Serving) < _spec.Replicas)
            {
                if (_pods.Values.FirstOrDefault(p => p.Exited) is { } dead)
                {
                    var log = Path.Combine(_workDirectory, dead.Name + ".log");
                    var tail = File.Exists(log) ? string.Join(" | ", (await File.ReadAllLinesAsync(log, cancellationToken)).TakeLast(3)) : string.Empty;
                    throw new LabException($"Pod '{dead.Name}' exited before it became ready; check --app ('{_options.App.Template}'). {tail}".Trim());
                }

                if (_clock.Elapsed - waitedFrom > _options.StartTimeout)
                {
                    throw new LabException(string.Create(CultureInfo.InvariantCulture, $"The first {_spec.Replicas} pods were not ready after {_options.StartTimeout.TotalSeconds:0} s; check --app and the readiness probe's path."));
                }

                await Task.Delay(Tick, _time, cancellationToken);
            }
        }

        private ITimer? StartProgress(LoadCounters counters, TimeSpan loadStart) =>
            _progress is null ? null : _time.CreateTimer(_ => ReportProgress(counters, loadStart), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        private void ReportProgress(LoadCounters counters, TimeSpan loadStart)
        {
            var pods = _pods.Values.ToList();
            _progress?.Report(new LabProgress(
                _clock.Elapsed,
                counters.Sent,
                counters.Failed,
                pods.Count(p => p.Ready && !p.Terminating),
                pods.Count(p => p.Terminating && !p.Exited),
                _endpoints.Count(e => e.Value == EndpointState.Serving),
                _phase));
        }
    }
}
