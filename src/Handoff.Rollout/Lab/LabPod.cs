using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Handoff.Analysis.Kubernetes;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Lab;

/// <summary>One pod: a real app process on its own loopback port, probed and terminated the way the kubelet does it.</summary>
/// <remarks>
/// Track A of the termination race, as the kubelet runs it: preStop (bounded by the grace period G), then
/// SIGTERM, then SIGKILL when G runs out; if less than 2 s of G is left after preStop (or preStop was cut at G),
/// the kubelet grants 2 s before the kill (minimumGracePeriodInSeconds in pkg/kubelet/kuberuntime/kuberuntime_container.go).
/// Probes run from container start until the process exits, also while terminating, as the kubelet's probe workers do.
/// </remarks>
internal sealed class LabPod : IAsyncDisposable
{
    private readonly LabDeploymentSpec _spec;
    private readonly TimelineRecorder _timeline;
    private readonly HttpClient _probeClient;
    private readonly ChildProcess _process;
    private readonly CancellationTokenSource _stopProbing = new();
    private readonly Func<LabPod, bool, Task> _readinessChanged;
    private int _terminating;
    private long _readySinceTicks = -1;
    private Task _probing = Task.CompletedTask;
    private Task _termination = Task.CompletedTask;
    private readonly bool _grpc;

    private LabPod(string name, int revision, int index, LabPortMap ports, bool grpc, TimeSpan propagation, LabDeploymentSpec spec, TimelineRecorder timeline, HttpClient probeClient, ChildProcess process, Func<LabPod, bool, Task> readinessChanged)
    {
        Name = name;
        Revision = revision;
        Index = index;
        Ports = ports;
        _grpc = grpc;
        Propagation = propagation;
        _spec = spec;
        _timeline = timeline;
        _probeClient = probeClient;
        _process = process;
        _readinessChanged = readinessChanged;
    }

    /// <summary>The pod's name.</summary>
    public string Name { get; }

    /// <summary>1 for the old ReplicaSet, 2 for the new one.</summary>
    public int Revision { get; }

    /// <summary>Creation order in the run (1 for the first pod): the ReplicaSet deletes newer pods first.</summary>
    public int Index { get; }

    /// <summary>The app's traffic port on 127.0.0.1.</summary>
    public int Port => Ports.Traffic;

    /// <summary>Every loopback port the pod got: the traffic port and one per other container port its probes, hooks or --app use.</summary>
    public LabPortMap Ports { get; }

    /// <summary>The app's h2c port for gRPC traffic on 127.0.0.1 ('{port:grpc}', env HANDOFF_PORT_GRPC), or null when the run sends no gRPC.</summary>
    public int? GrpcPort => _grpc ? Ports.Find(LabPortMap.GrpcPortName) : null;

    /// <summary>The port the load balancer sends the run's traffic to: the gRPC port for gRPC traffic, else <see cref="Port"/>.</summary>
    public int ServingPort => GrpcPort ?? Port;

    /// <summary>This pod's endpoint propagation delay (drawn once per pod).</summary>
    public TimeSpan Propagation { get; }

    /// <summary>The app process id.</summary>
    public int Pid => _process.Pid;

    /// <summary>Ready now (the last probe verdict).</summary>
    public bool Ready => Volatile.Read(ref _readySinceTicks) >= 0;

    /// <summary>When the pod last became ready (run clock), or null.</summary>
    /// <remarks>Written by the probe loop, read by the controller: one atomic 64-bit field, -1 when not ready.</remarks>
    public TimeSpan? ReadySince => Volatile.Read(ref _readySinceTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>Whether deletion started.</summary>
    public bool Terminating => Volatile.Read(ref _terminating) != 0;

    /// <summary>Whether the process has exited.</summary>
    public bool Exited => _process.HasExited;

    /// <summary>Starts the process and its probes.</summary>
    public static LabPod Start(
        string name,
        int revision,
        int index,
        TimeSpan propagation,
        LabDeploymentSpec spec,
        AppCommand app,
        string workDirectory,
        TimelineRecorder timeline,
        HttpClient probeClient,
        Func<LabPod, bool, Task> readinessChanged,
        bool grpc = false)
    {
        var ports = LabPortMap.Allocate(spec, FreePort.Next, grpc);
        var environment = spec.Environment
            .Select(e => new KeyValuePair<string, string>(e.Key, e.Value.Replace("{pod}", name, StringComparison.Ordinal)))
            .Concat(AppCommand.Environment(name, ports));
        var others = string.Concat(ports.All.Where(p => p.Host != ports.Traffic).Select(p => string.Create(CultureInfo.InvariantCulture, $", {p.Port.Name ?? "port " + p.Port.Number} -> {p.Host}")));
        timeline.Record(TimelineEventKind.PodCreated, name, detail: string.Create(CultureInfo.InvariantCulture, $"revision {revision}, port {ports.Traffic}{others}, propagation {LabDuration.Format(propagation)}"));
        ChildProcess process;
        try
        {
            process = ChildProcess.Start(app.For(name, ports), environment, Path.Combine(workDirectory, name + ".log"));
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new LabException($"Cannot start the app '{app.Template}': {ex.Message}", ex);
        }

        var pod = new LabPod(name, revision, index, ports, grpc, propagation, spec, timeline, probeClient, process, readinessChanged);
        pod._probing = pod.ProbeAsync(pod._stopProbing.Token);
        _ = pod.WatchExitAsync();
        return pod;
    }

    /// <summary>Starts Track A (once); the returned task completes when the process is gone.</summary>
    public Task TerminateAsync()
    {
        if (Interlocked.Exchange(ref _terminating, 1) != 0)
        {
            return _termination;
        }

        _timeline.Record(TimelineEventKind.PodTerminating, Name, detail: string.Create(CultureInfo.InvariantCulture, $"grace period {_spec.GracePeriod.TotalSeconds:0.#} s"));
        _termination = RunTrackAAsync();
        return _termination;
    }

    /// <summary>Kills the process at once (teardown, not part of the emulation).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopProbing.CancelAsync();
        await _process.DisposeAsync();
        try
        {
            await _probing.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A probe stuck past its own timeout; the process is dead anyway.
        }

        _stopProbing.Dispose();
    }

    private async Task RunTrackAAsync()
    {
        var started = _timeline.Clock.Elapsed;
        var grace = _spec.GracePeriod;
        // The kubelet skips the hook when the grace period is 0 (killContainer: 'gracePeriod > 0').
        if (_spec.PreStop is { } preStop && grace > TimeSpan.Zero)
        {
            _timeline.Record(TimelineEventKind.PreStopStarted, Name, detail: preStop.Source);
            var (completed, error) = await RunPreStopAsync(preStop, grace);
            if (error is not null)
            {
                _timeline.Record(TimelineEventKind.PreStopFailed, Name, detail: error);
            }
            else
            {
                _timeline.Record(TimelineEventKind.PreStopFinished, Name, detail: completed ? null : "cut at the grace period");
            }
        }

        var preStopElapsed = _spec.PreStop is null || grace <= TimeSpan.Zero ? TimeSpan.Zero : _timeline.Clock.Elapsed - started;
        var remaining = TimeSpan.FromSeconds(PodTermination.KillDelayAfterPreStop(grace.TotalSeconds, preStopElapsed.TotalSeconds));

        if (_process.Signal(Posix.SigTerm))
        {
            _timeline.Record(TimelineEventKind.SigTerm, Name);
        }

        if (await Task.WhenAny(_process.Exited, Task.Delay(remaining, _timeline.Clock.Time, CancellationToken.None)) != _process.Exited && _process.Signal(Posix.SigKill))
        {
            _timeline.Record(TimelineEventKind.SigKill, Name, detail: string.Create(CultureInfo.InvariantCulture, $"{remaining.TotalSeconds:0.#} s after SIGTERM"));
        }

        await _process.Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    private async Task<(bool Completed, string? Error)> RunPreStopAsync(LabPreStop preStop, TimeSpan budget)
    {
        if (preStop.Kind == LabPreStopKind.Sleep)
        {
            var cut = preStop.Duration > budget;
            await Task.Delay(cut ? budget : preStop.Duration, _timeline.Clock.Time, CancellationToken.None);
            return (!cut, null);
        }

        using var timeout = new CancellationTokenSource(budget, _timeline.Clock.Time);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{Ports.For(preStop.Port).ToString(CultureInfo.InvariantCulture)}{preStop.Path}"));
            using var response = await _probeClient.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 400 ? (true, null) : (true, $"httpGet {preStop.Path} answered {status}");
        }
        catch (OperationCanceledException)
        {
            return (false, null);
        }
        catch (HttpRequestException ex)
        {
            return (true, $"httpGet {preStop.Path} failed: {ex.Message}");
        }
    }

    private async Task WatchExitAsync()
    {
        await _process.Exited;
        _timeline.Record(
            TimelineEventKind.ContainerExited,
            Name,
            exitCode: _process.ExitCode,
            detail: Terminating ? null : "exited on its own; the lab does not restart containers");
    }

    private async Task ProbeAsync(CancellationToken stop)
    {
        using var exited = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _ = _process.Exited.ContinueWith(_ => exited.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var token = exited.Token;
        var containerStart = _timeline.Clock.Elapsed;
        try
        {
            if (_spec.Startup is { } startup && !await RunStartupProbeAsync(startup, containerStart, token))
            {
                return;
            }

            if (_spec.Readiness is not { } readiness)
            {
                // No readiness probe: the kubelet reports the container ready as soon as it runs.
                await SetReadyAsync(true, "no readiness probe");
                await Task.Delay(Timeout.InfiniteTimeSpan, _timeline.Clock.Time, token);
                return;
            }

            await DelayUntil(containerStart + readiness.InitialDelay, token);
            int successes = 0, failures = 0;
            while (!token.IsCancellationRequested)
            {
                var ok = await ProbeOnceAsync(readiness, token);
                successes = ok ? successes + 1 : 0;
                failures = ok ? 0 : failures + 1;
                if (!Ready && successes >= readiness.SuccessThreshold && !Terminating)
                {
                    await SetReadyAsync(true, null);
                }
                else if (Ready && failures >= readiness.FailureThreshold)
                {
                    await SetReadyAsync(false, "readiness probe failed");
                }

                await Task.Delay(readiness.Period, _timeline.Clock.Time, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The process exited or the lab is stopping.
        }
        finally
        {
            if (Ready && !stop.IsCancellationRequested)
            {
                await SetReadyAsync(false, "container exited");
            }
        }
    }

    private async Task<bool> RunStartupProbeAsync(LabProbe startup, TimeSpan containerStart, CancellationToken token)
    {
        await DelayUntil(containerStart + startup.InitialDelay, token);
        var failures = 0;
        while (true)
        {
            if (await ProbeOnceAsync(startup, token))
            {
                return true;
            }

            if (++failures >= startup.FailureThreshold)
            {
                _timeline.Record(TimelineEventKind.PodNotReady, Name, detail: string.Create(CultureInfo.InvariantCulture, $"startup probe failed {failures} times; the lab does not restart containers"));
                return false;
            }

            await Task.Delay(startup.Period, _timeline.Clock.Time, token);
        }
    }

    private async Task SetReadyAsync(bool ready, string? why)
    {
        Volatile.Write(ref _readySinceTicks, ready ? _timeline.Clock.Elapsed.Ticks : -1);
        _timeline.Record(ready ? TimelineEventKind.PodReady : TimelineEventKind.PodNotReady, Name, detail: why);
        await _readinessChanged(this, ready);
    }

    private async Task DelayUntil(TimeSpan at, CancellationToken token)
    {
        var wait = at - _timeline.Clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _timeline.Clock.Time, token);
        }
    }

    private async Task<bool> ProbeOnceAsync(LabProbe probe, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(probe.Timeout);
        try
        {
            if (probe.Path is null)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Ports.For(probe.Port)), timeout.Token);
                return true;
            }

            // Like the kubelet: a fresh connection per probe, success is 200-399.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{Ports.For(probe.Port).ToString(CultureInfo.InvariantCulture)}{probe.Path}"));
            request.Headers.ConnectionClose = true;
            using var response = await _probeClient.SendAsync(request, timeout.Token);
            return (int)response.StatusCode is >= 200 and < 400;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException || (ex is OperationCanceledException && !token.IsCancellationRequested))
        {
            return false;
        }
    }
}
