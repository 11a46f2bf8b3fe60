using System.Runtime.InteropServices;
using Handoff.AspNetCore.Diagnostics;
using Handoff.AspNetCore.Shutdown;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore.Probes;

/// <summary>The answers of the startup, readiness and liveness probes.</summary>
internal sealed class ProbeState
{
    private readonly HealthCheckService _health;
    private readonly ShutdownCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _readinessCache;
    private readonly Lock _gate = new();
    private volatile bool _started;
    private volatile bool _startupLatched;
    private Task<HealthStatus>? _readiness;
    private long _readinessTimestamp;

    public ProbeState(
        HealthCheckService health,
        ShutdownCoordinator coordinator,
        IOptions<HandoffOptions> options,
        TimeProvider time,
        ILogger<ProbeState> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _health = health;
        _coordinator = coordinator;
        _time = time;
        _logger = logger;
        _readinessCache = TimeSpan.FromSeconds(options.Value.Probes.ReadinessCacheSeconds);
    }

    /// <summary>Marks the app as started (<c>ApplicationStarted</c> fired).</summary>
    public void MarkStarted() => _started = true;

    /// <summary>Passes once the app has started and its <c>startup</c> checks passed once; then it stays passed.</summary>
    public async Task<ProbeResult> CheckStartupAsync(CancellationToken cancellationToken)
    {
        if (_startupLatched)
        {
            return ProbeResult.Pass("started");
        }

        if (!_started)
        {
            return ProbeResult.Fail("starting");
        }

        var report = await _health.CheckHealthAsync(r => r.Tags.Contains(HandoffHealthTags.Startup), cancellationToken);
        if (report.Status == HealthStatus.Unhealthy)
        {
            Log.HealthCheckFailed(_logger, HandoffHealthTags.Startup, report.Status.ToString());
            return ProbeResult.Fail("startup checks failing");
        }

        if (!_startupLatched)
        {
            _startupLatched = true;
            Log.StartupLatched(_logger);
        }

        return ProbeResult.Pass("started");
    }

    /// <summary>Fails from the moment shutdown begins; otherwise reflects the <c>ready</c> checks, cached briefly.</summary>
    public async Task<ProbeResult> CheckReadinessAsync(CancellationToken cancellationToken)
    {
        if (_coordinator.IsShuttingDown)
        {
            return ProbeResult.Fail("shutting down");
        }

        if (!_started)
        {
            return ProbeResult.Fail("starting");
        }

        var status = await GetReadinessTask().WaitAsync(cancellationToken);

        // Shutdown may have begun while the checks ran; it wins.
        if (_coordinator.IsShuttingDown)
        {
            return ProbeResult.Fail("shutting down");
        }

        return status == HealthStatus.Unhealthy ? ProbeResult.Fail("not ready") : ProbeResult.Pass("ready");
    }

    /// <summary>Passes while the process serves, draining included; it never runs dependency checks.</summary>
    public ProbeResult CheckLiveness() =>
        ProbeResult.Pass(_coordinator.IsShuttingDown ? "alive, shutting down" : "alive");

    private Task<HealthStatus> GetReadinessTask()
    {
        var current = Volatile.Read(ref _readiness);
        if (current is not null && (!current.IsCompleted || !IsStale()))
        {
            return current;
        }

        lock (_gate)
        {
            current = _readiness;
            if (current is null || (current.IsCompleted && IsStale()))
            {
                _readinessTimestamp = _time.GetTimestamp();
                current = RunReadinessChecksAsync();
                Volatile.Write(ref _readiness, current);
            }

            return current;
        }
    }

    private bool IsStale() => _time.GetElapsedTime(Volatile.Read(ref _readinessTimestamp)) >= _readinessCache;

    private async Task<HealthStatus> RunReadinessChecksAsync()
    {
        // Shared by every caller within the cache window, so no single probe's token may cancel it;
        // each health check bounds itself with its own timeout.
        var report = await _health.CheckHealthAsync(r => r.Tags.Contains(HandoffHealthTags.Ready), CancellationToken.None);
        if (report.Status == HealthStatus.Unhealthy)
        {
            Log.HealthCheckFailed(_logger, HandoffHealthTags.Ready, report.Status.ToString());
        }

        return report.Status;
    }
}

/// <summary>A probe's answer: pass (200) or fail (503), with a short reason for humans.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct ProbeResult(bool Passed, string Reason)
{
    public static ProbeResult Pass(string reason) => new(true, reason);

    public static ProbeResult Fail(string reason) => new(false, reason);
}
