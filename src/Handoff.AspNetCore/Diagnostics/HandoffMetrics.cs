using System.Diagnostics.Metrics;
using Handoff.AspNetCore.LongLived;
using Handoff.AspNetCore.Shutdown;

namespace Handoff.AspNetCore.Diagnostics;

/// <summary>The instruments of the <c>Handoff</c> meter.</summary>
internal sealed class HandoffMetrics
{
    /// <summary>The meter name; listen to it with dotnet-counters or an OpenTelemetry MeterProvider.</summary>
    public const string MeterName = "Handoff";

    private readonly Counter<long> _requestsAfterShutdown;
    private readonly Counter<long> _abortedRequests;
    private readonly Histogram<double> _drainDuration;
    private readonly Histogram<double> _delayDuration;

    public HandoffMetrics(IMeterFactory meterFactory, RequestTracker tracker, LongLivedConnections longLived)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(longLived);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter(
            "handoff.connections.long_lived", () => longLived.Count, "{connection}", "Long-lived connections (WebSockets, streams) open now.");
        var closed = meter.CreateCounter<long>(
            "handoff.connections.closed", "{connection}", "Long-lived connections that ended during the drain, by outcome: graceful (closed when asked) or aborted (at the drain deadline).");
        longLived.Ended = outcome => closed.Add(1, new KeyValuePair<string, object?>("handoff.outcome", outcome));
        meter.CreateObservableUpDownCounter(
            "handoff.requests.in_flight", () => tracker.InFlight, "{request}", "Requests the app is processing now.");
        _requestsAfterShutdown = meter.CreateCounter<long>(
            "handoff.requests.after_shutdown", "{request}", "Requests received after shutdown began, by phase.");
        _abortedRequests = meter.CreateCounter<long>(
            "handoff.requests.aborted", "{request}", "Requests still running at the drain deadline and aborted.");
        _drainDuration = meter.CreateHistogram<double>(
            "handoff.drain.duration", "s", "Time from the end of the delay until the server stopped.");
        _delayDuration = meter.CreateHistogram<double>(
            "handoff.shutdown_delay.duration", "s", "Time from the start of shutdown until the delay ended.");
    }

    public void RequestAfterShutdown(string phase) =>
        _requestsAfterShutdown.Add(1, new KeyValuePair<string, object?>("handoff.phase", phase));

    public void Aborted(long count) => _abortedRequests.Add(count);

    public void DrainCompleted(TimeSpan duration) => _drainDuration.Record(duration.TotalSeconds);

    public void DelayEnded(TimeSpan duration) => _delayDuration.Record(duration.TotalSeconds);
}
