namespace Handoff.Rollout.Timeline;

/// <summary>The run's stopwatch: one t=0 shared by request records and timeline events.</summary>
public sealed class RunClock
{
    private readonly TimeProvider _time;
    private readonly long _start;

    /// <summary>Starts a clock at the current moment of <paramref name="time"/>.</summary>
    public RunClock(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _start = time.GetTimestamp();
        StartedAt = time.GetUtcNow();
    }

    /// <summary>The time source every delay of the run waits on (a fake one in tests).</summary>
    public TimeProvider Time => _time;

    /// <summary>The wall-clock moment of t=0 (for reports).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Time elapsed since t=0.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>The offset of a timestamp taken with the same <see cref="TimeProvider"/>.</summary>
    public TimeSpan OffsetOf(long timestamp) => _time.GetElapsedTime(_start, timestamp);

    /// <summary>A raw timestamp, cheaper than <see cref="Elapsed"/> on hot paths.</summary>
    public long Timestamp() => _time.GetTimestamp();
}
