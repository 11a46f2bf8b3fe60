namespace Handoff.AspNetCore.Diagnostics;

/// <summary>Event ids of every log line the library writes, one per step of the shutdown sequence.</summary>
/// <remarks>The event names are the constant names.</remarks>
public static class LogEvents
{
    /// <summary>The app started; the startup probe now passes.</summary>
    public const int StartupLatched = 3001;

    /// <summary>A health check tagged <c>ready</c> or <c>startup</c> did not pass.</summary>
    public const int HealthCheckFailed = 3002;

    /// <summary>The host's shutdown timeout was raised to cover delay, drain and buffer.</summary>
    public const int ShutdownTimeoutRaised = 3003;

    /// <summary>The library could not register its signal handlers on this platform.</summary>
    public const int SignalHandlingUnavailable = 3004;

    /// <summary>Shutdown began (signal, preStop call or StopApplication); readiness now fails.</summary>
    public const int ShutdownBegan = 3010;

    /// <summary>The shutdown delay started.</summary>
    public const int DelayStarted = 3011;

    /// <summary>The shutdown delay ended.</summary>
    public const int DelayEnded = 3012;

    /// <summary>A second signal arrived; the delay ends at once.</summary>
    public const int SecondSignal = 3013;

    /// <summary>The preStop endpoint was called.</summary>
    public const int PreStopCalled = 3014;

    /// <summary>The preStop endpoint answered.</summary>
    public const int PreStopAnswered = 3015;

    /// <summary>Kestrel is about to stop accepting; the drain began.</summary>
    public const int DrainStarted = 3020;

    /// <summary>The drain timeout passed with requests still running; they are aborted.</summary>
    public const int DrainDeadlineReached = 3021;

    /// <summary>One request was aborted at the drain deadline.</summary>
    public const int RequestAborted = 3022;

    /// <summary>The server stopped; the drain is over.</summary>
    public const int DrainCompleted = 3023;

    /// <summary>The drain asks the open long-lived connections to close, spread over the window.</summary>
    public const int LongLivedClosing = 3030;

    /// <summary>Long-lived connections were still open at the drain deadline and were aborted.</summary>
    public const int LongLivedAborted = 3031;

    /// <summary>The host waits for SignalR hub connections to close at their turns before the server stops.</summary>
    public const int HubConnectionsClosing = 3032;
}
