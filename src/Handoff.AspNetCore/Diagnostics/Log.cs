using Handoff.AspNetCore.Shutdown;
using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Diagnostics;

/// <summary>Source-generated log methods; the event ids are those of <see cref="LogEvents"/>.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LogEvents.StartupLatched, EventName = nameof(LogEvents.StartupLatched), Level = LogLevel.Information,
        Message = "Startup probe latched: the app has started and its startup checks pass.")]
    public static partial void StartupLatched(ILogger logger);

    [LoggerMessage(EventId = LogEvents.HealthCheckFailed, EventName = nameof(LogEvents.HealthCheckFailed), Level = LogLevel.Warning,
        Message = "Health checks tagged '{Tag}' report {Status}.")]
    public static partial void HealthCheckFailed(ILogger logger, string tag, string status);

    [LoggerMessage(EventId = LogEvents.ShutdownTimeoutRaised, EventName = nameof(LogEvents.ShutdownTimeoutRaised), Level = LogLevel.Information,
        Message = "Host shutdown timeout raised from {OldSeconds} s to {NewSeconds} s (delay + drain + buffer).")]
    public static partial void ShutdownTimeoutRaised(ILogger logger, double oldSeconds, double newSeconds);

    [LoggerMessage(EventId = LogEvents.SignalHandlingUnavailable, EventName = nameof(LogEvents.SignalHandlingUnavailable), Level = LogLevel.Warning,
        Message = "Signal {Signal} cannot be handled on this platform; shutdown starts with the host's own handling.")]
    public static partial void SignalHandlingUnavailable(ILogger logger, string signal);

    [LoggerMessage(EventId = LogEvents.ShutdownBegan, EventName = nameof(LogEvents.ShutdownBegan), Level = LogLevel.Information,
        Message = "Shutdown began ({Reason}); readiness now answers 503, {InFlight} requests in flight.")]
    public static partial void ShutdownBegan(ILogger logger, string reason, long inFlight);

    [LoggerMessage(EventId = LogEvents.DelayStarted, EventName = nameof(LogEvents.DelayStarted), Level = LogLevel.Information,
        Message = "Shutdown delay started: {Mode}, at least {MinimumSeconds} s, at most {MaximumSeconds} s, quiet period {QuietPeriodSeconds} s (adaptive only).")]
    public static partial void DelayStarted(ILogger logger, ShutdownDelayMode mode, double minimumSeconds, double maximumSeconds, double quietPeriodSeconds);

    [LoggerMessage(EventId = LogEvents.DelayEnded, EventName = nameof(LogEvents.DelayEnded), Level = LogLevel.Information,
        Message = "Shutdown delay ended after {ElapsedSeconds:F3} s ({Reason}); {Requests} requests arrived during it.")]
    public static partial void DelayEnded(ILogger logger, double elapsedSeconds, DelayEndReason reason, long requests);

    [LoggerMessage(EventId = LogEvents.SecondSignal, EventName = nameof(LogEvents.SecondSignal), Level = LogLevel.Warning,
        Message = "Second {Signal} received: the shutdown delay ends now.")]
    public static partial void SecondSignal(ILogger logger, string signal);

    [LoggerMessage(EventId = LogEvents.PreStopCalled, EventName = nameof(LogEvents.PreStopCalled), Level = LogLevel.Information,
        Message = "preStop endpoint called; it answers when the shutdown delay is over.")]
    public static partial void PreStopCalled(ILogger logger);

    [LoggerMessage(EventId = LogEvents.PreStopAnswered, EventName = nameof(LogEvents.PreStopAnswered), Level = LogLevel.Information,
        Message = "preStop endpoint answered after {ElapsedSeconds:F3} s.")]
    public static partial void PreStopAnswered(ILogger logger, double elapsedSeconds);

    [LoggerMessage(EventId = LogEvents.DrainStarted, EventName = nameof(LogEvents.DrainStarted), Level = LogLevel.Information,
        Message = "Drain started: Kestrel stops accepting, {InFlight} requests in flight, drain timeout {TimeoutSeconds} s.")]
    public static partial void DrainStarted(ILogger logger, long inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = LogEvents.DrainDeadlineReached, EventName = nameof(LogEvents.DrainDeadlineReached), Level = LogLevel.Warning,
        Message = "Drain timeout of {TimeoutSeconds} s reached: aborting {Count} requests still running.")]
    public static partial void DrainDeadlineReached(ILogger logger, double timeoutSeconds, long count);

    [LoggerMessage(EventId = LogEvents.RequestAborted, EventName = nameof(LogEvents.RequestAborted), Level = LogLevel.Warning,
        Message = "Request {Method} {Path} aborted at the drain deadline after {ElapsedSeconds:F3} s.")]
    public static partial void RequestAborted(ILogger logger, string method, string path, double elapsedSeconds);

    [LoggerMessage(EventId = LogEvents.DrainCompleted, EventName = nameof(LogEvents.DrainCompleted), Level = LogLevel.Information,
        Message = "Drain completed in {DurationSeconds:F3} s: {Aborted} requests aborted, {After} requests received after shutdown began, clean={Clean}.")]
    public static partial void DrainCompleted(ILogger logger, double durationSeconds, long aborted, long after, bool clean);

    [LoggerMessage(EventId = LogEvents.LongLivedClosing, EventName = nameof(LogEvents.LongLivedClosing), Level = LogLevel.Information,
        Message = "Closing {Count} long-lived connections over {WindowSeconds:F3} s, at most {MaxPerSecond} per second.")]
    public static partial void LongLivedClosing(ILogger logger, int count, double windowSeconds, double maxPerSecond);

    [LoggerMessage(EventId = LogEvents.LongLivedAborted, EventName = nameof(LogEvents.LongLivedAborted), Level = LogLevel.Warning,
        Message = "Drain timeout reached: aborting {Count} long-lived connections that did not close when asked.")]
    public static partial void LongLivedAborted(ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.HubConnectionsClosing, EventName = nameof(LogEvents.HubConnectionsClosing), Level = LogLevel.Information,
        Message = "Waiting up to {BoundSeconds:F3} s for {Count} SignalR hub connections to close at their turns before the server stops (SignalR disposes the rest then).")]
    public static partial void HubConnectionsClosing(ILogger logger, int count, double boundSeconds);
}
