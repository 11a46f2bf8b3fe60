namespace Handoff.AspNetCore;

/// <summary>Options of the Handoff library, bound from the configuration section <c>Handoff</c>.</summary>
/// <remarks>
/// Every duration is a number of seconds so that it reads the same in appsettings.json, in an environment
/// variable (<c>Handoff__DrainTimeoutSeconds=20</c>) and in the pod annotations that declare it.
/// </remarks>
public sealed class HandoffOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Handoff";

    /// <summary>Gets or sets the paths and caching of the Kubernetes probe endpoints.</summary>
    public HandoffProbeOptions Probes { get; set; } = new();

    /// <summary>Gets or sets the delay between the start of shutdown and the moment Kestrel stops accepting.</summary>
    public ShutdownDelayOptions ShutdownDelay { get; set; } = new();

    /// <summary>Gets or sets how long in-flight requests may run once Kestrel stops accepting; the rest are aborted.</summary>
    /// <remarks>Defaults to 20 seconds.</remarks>
    public double DrainTimeoutSeconds { get; set; } = HandoffDefaults.DrainTimeoutSeconds;

    /// <summary>Gets or sets the margin added to delay and drain when the host's shutdown timeout is raised.</summary>
    /// <remarks>Defaults to 5 seconds.</remarks>
    public double ShutdownTimeoutBufferSeconds { get; set; } = HandoffDefaults.ShutdownTimeoutBufferSeconds;

    /// <summary>Gets or sets the path of the endpoint a Kubernetes httpGet preStop hook calls.</summary>
    /// <remarks>Defaults to <c>/handoff/prestop</c>.</remarks>
    public string PreStopPath { get; set; } = HandoffDefaults.PreStopPath;

    /// <summary>Gets or sets how the drain closes long-lived connections (WebSockets, server-sent events, streams).</summary>
    public LongLivedConnectionOptions LongLivedConnections { get; set; } = new();

    /// <summary>Gets or sets whether keep-alive clients are asked to reconnect during the delay.</summary>
    /// <remarks>
    /// HTTP/1.x responses carry <c>Connection: close</c>; HTTP/2 and HTTP/3 connections receive GOAWAY.
    /// Defaults to <see langword="true"/>.
    /// </remarks>
    public bool CloseConnectionsDuringDelay { get; set; } = true;

    /// <summary>Gets or sets whether the library registers its own SIGTERM and SIGINT handlers.</summary>
    /// <remarks>
    /// The handlers flip readiness the moment the signal arrives and end the delay on a second signal.
    /// Defaults to <see langword="true"/>.
    /// </remarks>
    public bool HandleSignals { get; set; } = true;

    internal TimeSpan DrainTimeout => TimeSpan.FromSeconds(DrainTimeoutSeconds);

    /// <summary>The longest the whole sequence can take: the longest delay, the drain timeout and the buffer.</summary>
    internal TimeSpan ShutdownBudget =>
        TimeSpan.FromSeconds(ShutdownDelay.LongestDelaySeconds + DrainTimeoutSeconds + ShutdownTimeoutBufferSeconds);
}

/// <summary>Paths and caching of the startup, readiness and liveness endpoints.</summary>
public sealed class HandoffProbeOptions
{
    /// <summary>Gets or sets the path of the startup probe.</summary>
    /// <remarks>Defaults to <c>/healthz/startup</c>.</remarks>
    public string StartupPath { get; set; } = HandoffDefaults.StartupPath;

    /// <summary>Gets or sets the path of the readiness probe.</summary>
    /// <remarks>Defaults to <c>/healthz/ready</c>.</remarks>
    public string ReadinessPath { get; set; } = HandoffDefaults.ReadinessPath;

    /// <summary>Gets or sets the path of the liveness probe.</summary>
    /// <remarks>Defaults to <c>/healthz/live</c>.</remarks>
    public string LivenessPath { get; set; } = HandoffDefaults.LivenessPath;

    /// <summary>Gets or sets how long the result of the <c>ready</c> health checks is reused.</summary>
    /// <remarks>Defaults to 1 second; 0 runs the checks on every probe.</remarks>
    public double ReadinessCacheSeconds { get; set; } = HandoffDefaults.ReadinessCacheSeconds;
}

/// <summary>How long the app keeps serving after shutdown began, before Kestrel stops accepting.</summary>
public sealed class ShutdownDelayOptions
{
    /// <summary>Gets or sets the kind of delay.</summary>
    /// <remarks>Defaults to <see cref="ShutdownDelayMode.None"/>.</remarks>
    public ShutdownDelayMode Mode { get; set; } = ShutdownDelayMode.None;

    /// <summary>Gets or sets the length of a <see cref="ShutdownDelayMode.Fixed"/> delay.</summary>
    /// <remarks>Defaults to 10 seconds.</remarks>
    public double Seconds { get; set; } = HandoffDefaults.FixedDelaySeconds;

    /// <summary>Gets or sets the shortest <see cref="ShutdownDelayMode.Adaptive"/> delay.</summary>
    /// <remarks>Defaults to 5 seconds.</remarks>
    public double FloorSeconds { get; set; } = HandoffDefaults.AdaptiveFloorSeconds;

    /// <summary>Gets or sets the longest <see cref="ShutdownDelayMode.Adaptive"/> delay.</summary>
    /// <remarks>Defaults to 30 seconds.</remarks>
    public double CeilingSeconds { get; set; } = HandoffDefaults.AdaptiveCeilingSeconds;

    /// <summary>Gets or sets how long no non-probe request may arrive before an adaptive delay ends.</summary>
    /// <remarks>Defaults to 2 seconds.</remarks>
    public double QuietPeriodSeconds { get; set; } = HandoffDefaults.AdaptiveQuietPeriodSeconds;

    internal double LongestDelaySeconds => Mode switch
    {
        ShutdownDelayMode.Fixed => Seconds,
        ShutdownDelayMode.Adaptive => CeilingSeconds,
        _ => 0,
    };
}

/// <summary>The kinds of shutdown delay.</summary>
public enum ShutdownDelayMode
{
    /// <summary>No delay: Kestrel stops accepting as soon as shutdown begins.</summary>
    None,

    /// <summary>A delay of <see cref="ShutdownDelayOptions.Seconds"/>.</summary>
    Fixed,

    /// <summary>A delay that ends once traffic has stopped, between a floor and a ceiling.</summary>
    Adaptive,
}
