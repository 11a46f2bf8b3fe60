using Handoff.Rollout.Cluster;
namespace Handoff.Rollout.Verify;

/// <summary>How a rollout is started.</summary>
public enum TriggerMode
{
    /// <summary>kubectl rollout restart deployment/NAME (the default).</summary>
    Restart,

    /// <summary>A user command (for example 'kubectl set image ...' or 'helm upgrade ...'), run without a shell.</summary>
    Command,

    /// <summary>Nothing is started: verify waits for a rollout someone else starts.</summary>
    WatchOnly,
}

/// <summary>Bounds of a live run.</summary>
/// <remarks>
/// Defaults (see <see cref="LiveRolloutDefaults"/>): <see cref="Timeout"/> 10 minutes for the whole run,
/// <see cref="Tail"/> 5 seconds of load after the last old pod is gone, <see cref="Baseline"/> 2 seconds of load
/// before the trigger, <see cref="WatchReadyTimeout"/> 20 seconds for the watches to come up.
/// </remarks>
public sealed class LiveRolloutOptions
{
    /// <summary>How the rollout starts. Defaults to <see cref="TriggerMode.Restart"/>.</summary>
    public TriggerMode Trigger { get; init; } = TriggerMode.Restart;

    /// <summary>The command for <see cref="TriggerMode.Command"/>, as arguments.</summary>
    public IReadOnlyList<string> TriggerCommand { get; init; } = [];

    /// <summary>The longest the whole run may take; verify stops by itself then. Defaults to 10 minutes.</summary>
    public TimeSpan Timeout { get; init; } = LiveRolloutDefaults.Timeout;

    /// <summary>Load kept after the rollout finished and every old pod is gone. Defaults to 5 seconds.</summary>
    public TimeSpan Tail { get; init; } = LiveRolloutDefaults.Tail;

    /// <summary>Load sent before the trigger, to see the service healthy first. Defaults to 2 seconds.</summary>
    public TimeSpan Baseline { get; init; } = LiveRolloutDefaults.Baseline;

    /// <summary>How long the watches may take to report the existing pods. Defaults to 20 seconds.</summary>
    public TimeSpan WatchReadyTimeout { get; init; } = LiveRolloutDefaults.WatchReadyTimeout;

    /// <summary>Every problem with these options; empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("--timeout must be positive.");
        }

        if (Tail < TimeSpan.Zero || Tail >= Timeout)
        {
            errors.Add("--tail must be zero or more and shorter than --timeout.");
        }

        if (Trigger == TriggerMode.Command && TriggerCommand.Count == 0)
        {
            errors.Add("--trigger needs a command.");
        }

        return errors;
    }
}

/// <summary>Default values of <see cref="LiveRolloutOptions"/>.</summary>
public static class LiveRolloutDefaults
{
    /// <summary>The whole run's bound.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Load after the rollout.</summary>
    public static readonly TimeSpan Tail = TimeSpan.FromSeconds(5);

    /// <summary>Load before the trigger.</summary>
    public static readonly TimeSpan Baseline = TimeSpan.FromSeconds(2);

    /// <summary>Time for the watches to come up.</summary>
    public static readonly TimeSpan WatchReadyTimeout = TimeSpan.FromSeconds(20);
}
