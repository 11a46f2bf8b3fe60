using Handoff.Rollout.Attribution;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>Runs a short naive and a short recommended rollout once (real HAProxy, real pods) for the tests of this class.</summary>
public sealed class LabSmokeRuns : IAsyncLifetime
{
    public LabResult Naive { get; private set; } = null!;

    public LabResult Recommended { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Durations leave room for pods that start slowly on a loaded 2-core CI machine: the rollout must finish
        // inside the load window for the assertions to mean anything (a 12 s window was too short at load 20).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        Naive = await LabRuns.RunAsync("smoke-naive.yaml", "1s", 300, TimeSpan.FromSeconds(20), timeout.Token, TestPaths.Artifacts("lab-smoke-naive"));
        Recommended = await LabRuns.RunAsync("smoke-recommended.yaml", "1s", 300, TimeSpan.FromSeconds(25), timeout.Token);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The tests that share <see cref="LabSmokeRuns"/> (run once for all of them).</summary>
[CollectionDefinition(Name)]
public sealed class LabSmokeCollection : ICollectionFixture<LabSmokeRuns>
{
    public const string Name = "lab runs";
}

[Collection(LabSmokeCollection.Name)]
public class LabSmokeTests(LabSmokeRuns runs)
{
    [Fact]
    public void Lab_NaiveRollout_LosesRequestsToSigTermBeforeEndpointRemoval()
    {
        var report = LabReport.Build(runs.Naive);

        runs.Naive.RolloutFinished.ShouldBeTrue();
        report.Failed.ShouldBeGreaterThan(20, "two pods stop listening 1 s before HAProxy stops sending to them");
        report.Attribution.MainCause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        report.Attribution.ByCause[FailureCause.SigTermBeforeEndpointRemoval].ShouldBeGreaterThanOrEqualTo(report.Failed * 9 / 10);
        report.Attribution.Failures.Select(f => f.Pod).Distinct().ShouldBe(["smoke-v1-1", "smoke-v1-2"], ignoreOrder: true);
        report.Passed.ShouldBeFalse();
    }

    [Fact]
    public void Lab_RecommendedRollout_LosesNothing()
    {
        var report = LabReport.Build(runs.Recommended);

        runs.Recommended.RolloutFinished.ShouldBeTrue();
        report.Records.Count.ShouldBeGreaterThan(5000);
        report.Failed.ShouldBe(0);
        report.Passed.ShouldBeTrue();
    }

    [Fact]
    public void Lab_RecommendedRollout_RunsTrackAInKubeletOrderAndTrackBAfterThePropagationDelay()
    {
        var events = runs.Recommended.Events;
        foreach (var pod in new[] { "smoke-v1-1", "smoke-v1-2" })
        {
            TimeSpan At(TimelineEventKind kind) => events.Single(e => e.Pod == pod && e.Kind == kind).At;
            var t0 = At(TimelineEventKind.PodTerminating);

            (At(TimelineEventKind.PreStopStarted) - t0).TotalSeconds.ShouldBeInRange(0, 0.5);
            // Lower bounds are exact; upper bounds leave room for timers that fire late on a busy shared machine.
            (At(TimelineEventKind.PreStopFinished) - t0).TotalSeconds.ShouldBeInRange(2.95, 4.5, "preStop sleeps 3 s");
            At(TimelineEventKind.SigTerm).ShouldBeGreaterThanOrEqualTo(At(TimelineEventKind.PreStopFinished));
            (At(TimelineEventKind.EndpointRemoved) - t0).TotalSeconds.ShouldBeGreaterThanOrEqualTo(0.95, "propagation is 1 s");
            At(TimelineEventKind.EndpointRemoved).ShouldBeLessThan(At(TimelineEventKind.SigTerm), "Track B ends before SIGTERM: the point of the preStop sleep");
            At(TimelineEventKind.ContainerExited).ShouldBeGreaterThan(At(TimelineEventKind.SigTerm));
            events.ShouldNotContain(e => e.Pod == pod && e.Kind == TimelineEventKind.SigKill);
        }
    }

    [Fact]
    public void Lab_RecommendedRollout_NeverDropsBelowTheReplicaCountOfEndpoints()
    {
        var events = runs.Recommended.Events;
        var start = events.Single(e => e.Kind == TimelineEventKind.RolloutStarted).At;
        var finish = events.Single(e => e.Kind == TimelineEventKind.RolloutFinished).At;

        // maxUnavailable 0: a new pod is ready (and an endpoint) before each old pod is deleted.
        foreach (var e in events.Where(e => e.At >= start && e.At <= finish))
        {
            FailureAttributor.EndpointsAt(events, e.At).ShouldBeGreaterThanOrEqualTo(2, $"at {e.At} ({e.Kind} {e.Pod})");
        }

        events.Count(e => e.Kind == TimelineEventKind.PodCreated).ShouldBe(4);
    }

    [Fact]
    public void Lab_NaiveRollout_ObservedPropagationIsWhenTheFailuresStopped_ALowerBound()
    {
        // No preStop: each old pod stops listening at its deletion, and HAProxy sends to it for the 1 s propagation.
        var propagation = LabReport.Build(runs.Naive).Propagation;

        propagation.Pods.Select(p => p.Pod).ShouldBe(["smoke-v1-1", "smoke-v1-2"], ignoreOrder: true);
        propagation.Pods.ShouldAllBe(p => p.Evidence == PropagationEvidence.FailuresStopped);
        propagation.Pods.ShouldAllBe(p => p.Observed >= TimeSpan.FromSeconds(0.7) && p.Observed <= TimeSpan.FromSeconds(1.3));
        propagation.IsLowerBound.ShouldBeTrue();
    }

    [Fact]
    public void Lab_RecommendedRollout_ObservedPropagationIsTheConfiguredSecond()
    {
        var propagation = LabReport.Build(runs.Recommended).Propagation;

        propagation.Pods.Count.ShouldBe(2);
        propagation.Pods.ShouldAllBe(p => p.Evidence == PropagationEvidence.LastAnswered && p.Observed >= TimeSpan.FromSeconds(0.7) && p.Observed <= TimeSpan.FromSeconds(1.3));
    }

    [Fact]
    public async Task Lab_AfterEachRun_NoProcessOrPortIsLeft()
    {
        await LabRuns.ShouldHaveLeftNothingAsync(runs.Naive);
        await LabRuns.ShouldHaveLeftNothingAsync(runs.Recommended);
    }
}

[Collection(LabSmokeCollection.Name)]
public class LabReportFormatTests(LabSmokeRuns runs)
{
    [Fact]
    public void JsonReport_NaiveRun_CountsEveryFailureWithItsCauseAndPod()
    {
        var report = LabReport.Build(runs.Naive);

        using var json = System.Text.Json.JsonDocument.Parse(Handoff.Rollout.Reports.JsonReport.Render(report));
        var root = json.RootElement;

        root.GetProperty("passed").GetBoolean().ShouldBeFalse();
        root.GetProperty("summary").GetProperty("sent").GetInt32().ShouldBe(report.Records.Count);
        root.GetProperty("summary").GetProperty("failed").GetInt32().ShouldBe(report.Failed);
        root.GetProperty("summary").GetProperty("mainCause").GetString().ShouldBe("sigTermBeforeEndpointRemoval");
        root.GetProperty("failures").GetArrayLength().ShouldBe(report.Failed);
        root.GetProperty("failures")[0].GetProperty("pod").GetString().ShouldStartWith("smoke-v1-");
        root.GetProperty("pods").EnumerateArray().Sum(p => p.GetProperty("failed").GetInt32()).ShouldBe(report.Failed);
        root.GetProperty("events").EnumerateArray().ShouldContain(e => e.GetProperty("kind").GetString() == "endpointRemoved");
        root.GetProperty("rate").EnumerateArray().Sum(b => b.GetProperty("sent").GetInt32()).ShouldBe(report.Records.Count);
    }

    [Fact]
    public void TextReport_BothRuns_EndWithTheVerdict()
    {
        var naive = Handoff.Rollout.Reports.TextReport.Render(LabReport.Build(runs.Naive));
        var recommended = Handoff.Rollout.Reports.TextReport.Render(LabReport.Build(runs.Recommended));

        naive.TrimEnd().Split('\n')[^1].ShouldStartWith("FAILED: ");
        naive.ShouldContain("SIGTERM before endpoint removal");
        naive.ShouldContain("smoke-v1-1");
        recommended.TrimEnd().Split('\n')[^1].ShouldBe($"PASSED: 0 of {runs.Recommended.Load.Records.Count} requests failed.");
    }
}
