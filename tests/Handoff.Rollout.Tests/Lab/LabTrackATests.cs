using Handoff.Rollout.Attribution;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Reports;
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
        // Lower bounds are exact; upper bounds leave room for timers that fire late on a busy shared machine.
        (preStopEnd.At - t0).TotalSeconds.ShouldBeInRange(2.95, 4.5);
        At(TimelineEventKind.SigTerm).ShouldBeGreaterThanOrEqualTo(preStopEnd.At);
        (At(TimelineEventKind.SigKill) - At(TimelineEventKind.SigTerm)).TotalSeconds.ShouldBeInRange(1.95, 3.5, "the one-off 2 s after a preStop cut at the grace period");
        old.Single(e => e.Kind == TimelineEventKind.ContainerExited).ExitCode.ShouldBe(137);
        result.RolloutFinished.ShouldBeTrue();
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }
    // 3 s requests, SIGKILL 3 s after deletion (1 s preStop, then the kubelet's 2 s minimum): what the old pod accepted
    // in its first second after deletion is still running at the kill. The app's own log counts those requests; the
    // report must name every one of them 'killed at the grace period', not a timeout under "other" or "SIGTERM first".
    [Fact(Timeout = 90_000)]
    public async Task Lab_SigKillCutsSlowRequests_TheReportNamesTheKillForEveryRequestInFlight()
    {
        var keep = TestPaths.Artifacts("sigkill-slow");
        var result = await LabRuns.RunAsync("sigkill-slow.yaml", "2s", 40, TimeSpan.FromSeconds(18), CancellationToken.None, keepFilesIn: keep, connections: 200, path: "/slow?ms=3000");
        var report = LabReport.Build(result);

        const string old = "cut-v1-1";
        var log = await File.ReadAllLinesAsync(Path.Combine(keep, "lab-files", old + ".log"));
        var inFlightAtKill = log.Count(l => l == "slow begin") - log.Count(l => l == "slow end");
        var seen = string.Join("; ", result.Events.Where(e => e.Pod == old || e.Pod.Length == 0).Select(e => $"{e.At.TotalSeconds:0.000} {e.Kind}"))
            + $"; load sent for {result.Load.SendingTime.TotalSeconds:0.0} s; in flight at the kill by the app's log: {inFlightAtKill}";
        result.Events.ShouldContain(e => e.Pod == old && e.Kind == TimelineEventKind.SigKill, seen);
        inFlightAtKill.ShouldBeGreaterThan(5, $"40 req/s over two endpoints for about a second ({seen})");
        var killed = report.Attribution.Failures.Where(f => f.Cause == FailureCause.KilledAtGrace).ToList();

        // One request may finish in the millisecond between its 'slow end' line and the kill: +-1.
        killed.Count.ShouldBeInRange(inFlightAtKill - 1, inFlightAtKill + 1, seen);
        killed.ShouldAllBe(f => f.Pod == old && f.Request.Outcome != Handoff.Rollout.Load.RequestOutcome.Timeout);
        report.Attribution.Failures.ShouldNotContain(f => f.Cause == FailureCause.Other);
        TextReport.Render(report).ShouldContain(AttributionResult.Describe(FailureCause.KilledAtGrace));
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }
}
