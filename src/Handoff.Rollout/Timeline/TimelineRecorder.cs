namespace Handoff.Rollout.Timeline;

/// <summary>A thread-safe, append-only timeline stamped by a <see cref="RunClock"/>.</summary>
public sealed class TimelineRecorder : ITimelineSource
{
    private readonly Lock _gate = new();
    private readonly List<TimelineEvent> _events = [];
    private readonly Action<TimelineEvent>? _observer;

    /// <summary>Creates a recorder on <paramref name="clock"/>; <paramref name="observer"/> sees each event as it is recorded.</summary>
    public TimelineRecorder(RunClock clock, Action<TimelineEvent>? observer = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Clock = clock;
        _observer = observer;
    }

    /// <summary>The clock that stamps events.</summary>
    public RunClock Clock { get; }

    /// <summary>Records an event now.</summary>
    public TimelineEvent Record(TimelineEventKind kind, string pod, string? dataPlane = null, int? exitCode = null, string? detail = null)
    {
        var e = new TimelineEvent(Clock.Elapsed, kind, pod, dataPlane, exitCode, detail);
        lock (_gate)
        {
            _events.Add(e);
        }

        _observer?.Invoke(e);
        return e;
    }

    /// <inheritdoc />
    public IReadOnlyList<TimelineEvent> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events.OrderBy(e => e.At)];
        }
    }
}
