using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Diagnostics;

/// <summary>Event ids of every log line the library writes, one per step of the shutdown sequence.</summary>
public static class LogEvents
{
    /// <summary>The app started; the startup probe now passes.</summary>
    public static readonly EventId StartupLatched = new(3001, nameof(StartupLatched));

    /// <summary>A health check tagged <c>ready</c> or <c>startup</c> did not pass.</summary>
    public static readonly EventId HealthCheckFailed = new(3002, nameof(HealthCheckFailed));

    /// <summary>The host's shutdown timeout was raised to cover delay, drain and buffer.</summary>
    public static readonly EventId ShutdownTimeoutRaised = new(3003, nameof(ShutdownTimeoutRaised));

    /// <summary>The library could not register its signal handlers on this platform.</summary>
    public static readonly EventId SignalHandlingUnavailable = new(3004, nameof(SignalHandlingUnavailable));

    /// <summary>Shutdown began (signal, preStop call or StopApplication); readiness now fails.</summary>
    public static readonly EventId ShutdownBegan = new(3010, nameof(ShutdownBegan));

    /// <summary>The shutdown delay started.</summary>
    public static readonly EventId DelayStarted = new(3011, nameof(DelayStarted));

    /// <summary>The shutdown delay ended.</summary>
    public static readonly EventId DelayEnded = new(3012, nameof(DelayEnded));

    /// <summary>A second signal arrived; the delay ends at once.</summary>
    public static readonly EventId SecondSignal = new(3013, nameof(SecondSignal));

    /// <summary>The preStop endpoint was called.</summary>
    public static readonly EventId PreStopCalled = new(3014, nameof(PreStopCalled));

    /// <summary>The preStop endpoint answered.</summary>
    public static readonly EventId PreStopAnswered = new(3015, nameof(PreStopAnswered));

    /// <summary>Kestrel is about to stop accepting; the drain began.</summary>
    public static readonly EventId DrainStarted = new(3020, nameof(DrainStarted));

    /// <summary>The drain timeout passed with requests still running; they are aborted.</summary>
    public static readonly EventId DrainDeadlineReached = new(3021, nameof(DrainDeadlineReached));

    /// <summary>One request was aborted at the drain deadline.</summary>
    public static readonly EventId RequestAborted = new(3022, nameof(RequestAborted));

    /// <summary>The server stopped; the drain is over.</summary>
    public static readonly EventId DrainCompleted = new(3023, nameof(DrainCompleted));
}
