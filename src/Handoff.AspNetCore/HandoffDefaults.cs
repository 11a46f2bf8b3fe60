namespace Handoff.AspNetCore;

/// <summary>Default values of <see cref="HandoffOptions"/>.</summary>
public static class HandoffDefaults
{
    /// <summary>The default startup probe path.</summary>
    public const string StartupPath = "/healthz/startup";

    /// <summary>The default readiness probe path.</summary>
    public const string ReadinessPath = "/healthz/ready";

    /// <summary>The default liveness probe path.</summary>
    public const string LivenessPath = "/healthz/live";

    /// <summary>The default path of the preStop endpoint.</summary>
    public const string PreStopPath = "/handoff/prestop";

    /// <summary>The default time the readiness result is reused, in seconds.</summary>
    public const double ReadinessCacheSeconds = 1;

    /// <summary>
    /// The default drain timeout, in seconds; it matches the drain time D that <c>handoff check</c> assumes.
    /// </summary>
    public const double DrainTimeoutSeconds = 20;

    /// <summary>The default margin on the host's shutdown timeout, in seconds.</summary>
    public const double ShutdownTimeoutBufferSeconds = 5;

    /// <summary>The default fixed delay, in seconds.</summary>
    public const double FixedDelaySeconds = 10;

    /// <summary>The default floor of the adaptive delay, in seconds.</summary>
    public const double AdaptiveFloorSeconds = 5;

    /// <summary>The default ceiling of the adaptive delay, in seconds.</summary>
    public const double AdaptiveCeilingSeconds = 30;

    /// <summary>The default quiet period of the adaptive delay, in seconds.</summary>
    public const double AdaptiveQuietPeriodSeconds = 2;

    /// <summary>The default window over which long-lived connections are asked to close, in seconds.</summary>
    public const double CloseWindowSeconds = 10;

    /// <summary>The default most long-lived connections asked to close in one second.</summary>
    public const double MaxClosesPerSecond = 50;
}

/// <summary>Health-check tags the probes select checks by.</summary>
public static class HandoffHealthTags
{
    /// <summary>Checks with this tag must pass once before the startup probe latches.</summary>
    public const string Startup = "startup";

    /// <summary>Checks with this tag decide readiness while the app is not shutting down.</summary>
    public const string Ready = "ready";
}
