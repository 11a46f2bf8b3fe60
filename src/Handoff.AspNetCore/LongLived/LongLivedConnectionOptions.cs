namespace Handoff.AspNetCore;

/// <summary>How the drain ends long-lived connections (WebSockets, server-sent events, streaming calls).</summary>
/// <remarks>
/// Kestrel's own shutdown waits for such connections until the host's timeout and then aborts them: clients see an
/// abnormal close (WebSocket 1006) or a reset stream, and all of a pod's clients reconnect in the same second. The
/// library instead asks each one to close at its own moment in <see cref="CloseWindowSeconds"/>, no more than
/// <see cref="MaxClosesPerSecond"/> at a time.
/// </remarks>
public sealed class LongLivedConnectionOptions
{
    /// <summary>Gets or sets the window, from the start of the drain, over which the closes are spread.</summary>
    /// <remarks>
    /// Defaults to 10 seconds. A window longer than half of <see cref="HandoffOptions.DrainTimeoutSeconds"/> is cut to
    /// that half, so the last clients still have time to answer their close before the drain deadline aborts what is left.
    /// </remarks>
    public double CloseWindowSeconds { get; set; } = HandoffDefaults.CloseWindowSeconds;

    /// <summary>Gets or sets the most connections asked to close in one second.</summary>
    /// <remarks>Defaults to 50.</remarks>
    public double MaxClosesPerSecond { get; set; } = HandoffDefaults.MaxClosesPerSecond;

    /// <summary>Gets or sets whether the library closes accepted WebSockets itself (close frame 1001, going away).</summary>
    /// <remarks>
    /// Defaults to <see langword="true"/>. Set it to <see langword="false"/> when the app closes its sockets itself
    /// from <see cref="Microsoft.AspNetCore.Http.HandoffHttpContextExtensions.GetHandoffCloseToken"/>.
    /// </remarks>
    public bool CloseWebSockets { get; set; } = true;

    /// <summary>The window in force for a drain timeout: <see cref="CloseWindowSeconds"/>, at most half the drain timeout.</summary>
    internal TimeSpan CloseWindowWithin(double drainTimeoutSeconds) =>
        TimeSpan.FromSeconds(Math.Min(CloseWindowSeconds, drainTimeoutSeconds / 2));
}
