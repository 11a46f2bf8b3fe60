using Handoff.Rollout.Timeline;
using Microsoft.Extensions.Time.Testing;

namespace Handoff.Rollout.Tests.Timeline;

/// <summary>The run clock and the timeline on a fake clock: time moves only when the test moves it.</summary>
public class RunClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TimelineRecorder_OnAFakeClock_StampsEachEventWithTheTimeAdvancedSinceTheStart()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new RunClock(time);
        var recorder = new TimelineRecorder(clock);

        recorder.Record(TimelineEventKind.PodCreated, "a");
        time.Advance(TimeSpan.FromSeconds(2.5));
        recorder.Record(TimelineEventKind.SigTerm, "a");
        time.Advance(TimeSpan.FromMilliseconds(1500));

        recorder.Snapshot().Select(e => e.At).ShouldBe([TimeSpan.Zero, TimeSpan.FromSeconds(2.5)]);
        clock.Elapsed.ShouldBe(TimeSpan.FromSeconds(4));
        clock.StartedAt.ShouldBe(Start);
    }

    [Fact]
    public async Task Delay_OnTheRunClocksTimeSource_CompletesOnlyWhenTheFakeClockPassesIt()
    {
        // The lab's pods wait on RunClock.Time (preStop sleep, grace, probe periods), so a fake clock drives them.
        var time = new FakeTimeProvider(Start);
        var clock = new RunClock(time);

        var preStop = Task.Delay(TimeSpan.FromSeconds(10), clock.Time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9.9));
        preStop.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(100));

        await preStop.WaitAsync(TimeSpan.FromSeconds(5));
        clock.Elapsed.ShouldBe(TimeSpan.FromSeconds(10));
    }
}
