using Handoff.AspNetCore.Diagnostics;
using Handoff.AspNetCore.LongLived;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore.Shutdown;

/// <summary>Drives the shutdown sequence: readiness flip, delay, drain, abort. Every step runs once.</summary>
/// <remarks>
/// Shutdown can begin from a signal, from the preStop endpoint or from <c>StopApplication</c>; whichever comes
/// first starts the delay and the others join it. The host's stop waits for the delay in
/// <see cref="HandoffLifecycleService"/> before Kestrel stops accepting.
/// </remarks>
internal sealed class ShutdownCoordinator : IDisposable
{
    /// <summary>How long after its turn a hub connection has to finish its close handshake before the server stops.</summary>
    private static readonly TimeSpan HubCloseGrace = TimeSpan.FromSeconds(1);

    private readonly HandoffOptions _options;
    private readonly TimeProvider _time;
    private readonly RequestTracker _tracker;
    private readonly LongLivedConnections _longLived;
    private readonly HandoffMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _delayOver = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _endDelay = new();
    private readonly Lock _drainGate = new();
    private int _phase;
    private long _lastArrival;
    private long _drainStarted;
    private long _requestsDuringDelay;
    private long _requestsAfterShutdown;
    private long _aborted;
    private ITimer? _drainTimer;

    public ShutdownCoordinator(
        IOptions<HandoffOptions> options,
        TimeProvider time,
        RequestTracker tracker,
        LongLivedConnections longLived,
        HandoffMetrics metrics,
        ILogger<ShutdownCoordinator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _tracker = tracker;
        _longLived = longLived;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Gets the current phase.</summary>
    public ShutdownPhase Phase => (ShutdownPhase)Volatile.Read(ref _phase);

    /// <summary>Gets whether shutdown has begun; readiness fails from this moment on.</summary>
    public bool IsShuttingDown => Volatile.Read(ref _phase) != (int)ShutdownPhase.Running;

    /// <summary>Gets a task that completes when the delay is over.</summary>
    public Task DelayOver => _delayOver.Task;

    /// <summary>Gets the number of requests aborted at the drain deadline.</summary>
    public long AbortedRequests => Interlocked.Read(ref _aborted);

    /// <summary>Begins shutdown: readiness fails at once and the delay starts. Later calls do nothing.</summary>
    /// <returns><see langword="true"/> for the call that began shutdown.</returns>
    public bool Begin(string reason)
    {
        var now = _time.GetTimestamp();
        if (Interlocked.CompareExchange(ref _phase, (int)ShutdownPhase.Delaying, (int)ShutdownPhase.Running)
            != (int)ShutdownPhase.Running)
        {
            return false;
        }

        Log.ShutdownBegan(_logger, reason, _tracker.InFlight);
        _ = RunDelayAsync(now);
        return true;
    }

    /// <summary>Ends the delay now (a second signal, or the host's own timeout).</summary>
    public void EndDelay() => _endDelay.Cancel();

    /// <summary>Notes a request that arrived after shutdown began; returns the phase it arrived in.</summary>
    public ShutdownPhase NoteRequest(bool isProbe)
    {
        var phase = Phase;
        if (phase == ShutdownPhase.Running || isProbe)
        {
            return phase;
        }

        Interlocked.Increment(ref _requestsAfterShutdown);
        if (phase == ShutdownPhase.Delaying)
        {
            Interlocked.Increment(ref _requestsDuringDelay);
            Volatile.Write(ref _lastArrival, _time.GetTimestamp());
            _metrics.RequestAfterShutdown("delay");
        }
        else
        {
            _metrics.RequestAfterShutdown("drain");
        }

        return phase;
    }

    /// <summary>Starts the drain: called right before the server stops accepting. Arms the drain deadline.</summary>
    public void BeginDrain()
    {
        lock (_drainGate)
        {
            if (Interlocked.CompareExchange(ref _phase, (int)ShutdownPhase.Draining, (int)ShutdownPhase.Delaying)
                != (int)ShutdownPhase.Delaying)
            {
                return;
            }

            _drainStarted = _time.GetTimestamp();
            Log.DrainStarted(_logger, _tracker.InFlight, _options.DrainTimeoutSeconds);
            _drainTimer = _time.CreateTimer(
                static state => ((ShutdownCoordinator)state!).OnDrainDeadline(),
                this,
                _options.DrainTimeout,
                Timeout.InfiniteTimeSpan);
        }

        // Kestrel's stop waits for upgraded and streaming connections until the host's timeout, then aborts them;
        // asking each to close at its own moment in the window ends them cleanly and spreads the reconnects.
        _longLived.BeginClosing();
    }

    /// <summary>
    /// Waits for the SignalR hub connections to close at their turns before the server stops: SignalR disposes every
    /// hub connection still open when the host's stop goes on (a reset, for WebSockets). Returns at once without hubs.
    /// </summary>
    public async Task WaitForHubConnectionsAsync(CancellationToken cancellationToken)
    {
        var hubs = _longLived.HubCount;
        if (hubs == 0)
        {
            return;
        }

        var bound = _longLived.LastTurn + HubCloseGrace;
        Log.HubConnectionsClosing(_logger, hubs, bound.TotalSeconds);
        await _longLived.WhenHubConnectionsClosedAsync(HubCloseGrace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the end of the drain: called once the server has stopped.</summary>
    public void CompleteDrain()
    {
        lock (_drainGate)
        {
            if (Interlocked.CompareExchange(ref _phase, (int)ShutdownPhase.Stopped, (int)ShutdownPhase.Draining)
                != (int)ShutdownPhase.Draining)
            {
                return;
            }

            _drainTimer?.Dispose();
            var duration = _time.GetElapsedTime(_drainStarted);
            _metrics.DrainCompleted(duration);
            var seconds = duration.TotalSeconds;
            var aborted = AbortedRequests;
            var after = Interlocked.Read(ref _requestsAfterShutdown);
            Log.DrainCompleted(_logger, seconds, aborted, after, aborted == 0);
        }
    }

    private void OnDrainDeadline()
    {
        if (Phase != ShutdownPhase.Draining)
        {
            return;
        }

        var running = _tracker.InFlight;
        if (running > 0)
        {
            Log.DrainDeadlineReached(_logger, _options.DrainTimeoutSeconds, running);
        }

        // Count before aborting: the abort lets the host finish stopping at once, and a count recorded after it
        // could come too late for anyone reading the metrics when the host has stopped.
        Interlocked.Add(ref _aborted, running);
        if (running > 0)
        {
            _metrics.Aborted(running);
        }

        _tracker.AbortAll();
        _longLived.AbortRemaining();
    }

    private async Task RunDelayAsync(long started)
    {
        var delay = _options.ShutdownDelay;
        var reason = DelayEndReason.NoDelay;
        try
        {
            switch (delay.Mode)
            {
                case ShutdownDelayMode.Fixed:
                    Log.DelayStarted(_logger, delay.Mode, delay.Seconds, delay.Seconds, 0);
                    await Task.Delay(TimeSpan.FromSeconds(delay.Seconds), _time, _endDelay.Token);
                    reason = DelayEndReason.Fixed;
                    break;
                case ShutdownDelayMode.Adaptive:
                    Log.DelayStarted(_logger, delay.Mode, delay.FloorSeconds, delay.CeilingSeconds, delay.QuietPeriodSeconds);
                    reason = await RunAdaptiveDelayAsync(started, delay);
                    break;
                default:
                    break;
            }
        }
        catch (OperationCanceledException)
        {
            reason = DelayEndReason.EndedEarly;
        }

        var elapsed = _time.GetElapsedTime(started);
        _metrics.DelayEnded(elapsed);
        var seconds = elapsed.TotalSeconds;
        var requests = Interlocked.Read(ref _requestsDuringDelay);
        Log.DelayEnded(_logger, seconds, reason, requests);
        _delayOver.TrySetResult();
    }

    private async Task<DelayEndReason> RunAdaptiveDelayAsync(long started, ShutdownDelayOptions delay)
    {
        var policy = new AdaptiveDelayPolicy(
            TimeSpan.FromSeconds(delay.FloorSeconds),
            TimeSpan.FromSeconds(delay.CeilingSeconds),
            TimeSpan.FromSeconds(delay.QuietPeriodSeconds));
        while (true)
        {
            var now = _time.GetTimestamp();
            var lastArrival = Math.Max(started, Volatile.Read(ref _lastArrival));
            var decision = policy.Evaluate(_time.GetElapsedTime(started, now), _time.GetElapsedTime(lastArrival, now));
            if (decision.IsOver)
            {
                return decision.Reason;
            }

            await Task.Delay(decision.WaitBeforeNextCheck, _time, _endDelay.Token);
        }
    }

    public void Dispose()
    {
        _drainTimer?.Dispose();
        _endDelay.Dispose();
    }
}
