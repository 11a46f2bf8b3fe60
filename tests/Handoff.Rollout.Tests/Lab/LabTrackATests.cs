using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Lab;

// In the lab collection: lab runs go one at a time, so that none starves another of CPU.
[Collection(LabSmokeCollection.Name)]
public class LabTrackATests
{
    [Fact(Timeout = 90_000)]
    public async Task Lab_PreStopLongerThanGrace_CutsPreStopThenGrantsTwoSecondsThenKills()
    {
        var result = await LabRuns.RunAsync("grace-kill.yaml", "1s", 50, TimeSpan.FromSeconds(12), CancellationToken.None);

        var old = result.Events.Where(e => e.Pod == "stubborn-v1-1").ToList();
        TimeSpan At(TimelineEventKind kind) => old.Single(e => e.Kind == kind).At;
        var t0 = At(TimelineEventKind.PodTerminating);

        var preStopEnd = old.Single(e => e.Kind == TimelineEventKind.PreStopFinished);
        preStopEnd.Detail.ShouldBe("cut at the grace period");
        (preStopEnd.At - t0).TotalSeconds.ShouldBeInRange(2.95, 3.6);
        (At(TimelineEventKind.SigTerm) - t0).TotalSeconds.ShouldBeInRange(2.95, 3.7);
        (At(TimelineEventKind.SigKill) - At(TimelineEventKind.SigTerm)).TotalSeconds.ShouldBeInRange(1.95, 2.6, "the one-off 2 s after a preStop cut at the grace period");
        old.Single(e => e.Kind == TimelineEventKind.ContainerExited).ExitCode.ShouldBe(137);
        result.RolloutFinished.ShouldBeTrue();
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }
}
