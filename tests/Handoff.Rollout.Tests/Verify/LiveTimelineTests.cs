using System.Text.Json;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>The converter, fed the recorded (hand-written) kubectl streams of tests/fixtures/verify.</summary>
public class LiveTimelineTests
{
    private const string OldA = "web-6d4cf56db6-k8v2q";
    private const string OldB = "web-6d4cf56db6-t4mzx";

    [Fact]
    public void Snapshot_RecordedRolloutWithoutPreStop_PlacesSigTermBeforeTheEndpointRemoval()
    {
        var events = RecordedStreams.Replay("sigterm-before-endpoint-removal").Snapshot();

        foreach (var pod in new[] { OldA, OldB })
        {
            var sigTerm = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.SigTerm);
            var removed = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.EndpointRemoved);
            sigTerm.Detail!.ShouldStartWith(LiveTimeline.InferredPrefix);
            sigTerm.Detail!.ShouldContain("no preStop hook");
            removed.DataPlane.ShouldBe(LiveTimeline.EndpointSlicePlane);
            removed.Detail!.ShouldContain("endpoint gone", customMessage: "the slow controller drops the endpoint in one update");
            (removed.At - sigTerm.At).TotalSeconds.ShouldBe(1.2, tolerance: 0.01);
        }

        events.Count(e => e.Kind == TimelineEventKind.PodCreated && e.Detail is null).ShouldBe(2, "two new pods");
        events.Count(e => e.Kind == TimelineEventKind.PodCreated && e.Detail == "existed before the run").ShouldBe(2);
        events.Where(e => e.Kind == TimelineEventKind.ContainerExited).Select(e => e.ExitCode).ShouldBe([0, 0]);
        events.ShouldNotContain(e => e.Kind == TimelineEventKind.SigKill);
    }

    [Fact]
    public void Snapshot_RecordedFailedPreStopOnDistroless_SigTermAtTheFailureAndKillAtGrace()
    {
        var events = RecordedStreams.Replay("prestop-failed-killed-at-grace").Snapshot();
        const string pod = "api-5b6f9d8c7f-9wz4c";

        var terminating = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.PodTerminating);
        var failed = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.PreStopFailed);
        var sigTerm = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.SigTerm);
        var kill = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.SigKill);
        var exit = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.ContainerExited);

        failed.Detail!.ShouldContain("stat /bin/sh: no such file or directory");
        sigTerm.At.ShouldBe(failed.At);
        sigTerm.Detail!.ShouldContain("preStop hook failed");
        exit.ExitCode.ShouldBe(137);
        // The kubelet's deadline is SIGTERM + 8 s (the failed hook ran less than a whole second); the exit seen 8 s
        // after deletion is earlier, so the kill is placed there.
        (kill.At - terminating.At).TotalSeconds.ShouldBe(8, tolerance: 0.01);
        (kill.At - sigTerm.At).TotalSeconds.ShouldBeLessThanOrEqualTo(8);
        kill.Detail!.ShouldContain("exit code 137: killed at the kubelet's deadline");
        events.ShouldContain(e => e.Pod == pod && e.Kind == TimelineEventKind.PreStopStarted);
    }

    [Fact]
    public void Snapshot_RecordedCleanRollout_EndpointRemovedTenSecondsBeforeSigTerm()
    {
        var events = RecordedStreams.Replay("clean-rollout").Snapshot();

        foreach (var pod in new[] { OldA, OldB })
        {
            var removed = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.EndpointRemoved);
            var sigTerm = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.SigTerm);
            var finished = events.Single(e => e.Pod == pod && e.Kind == TimelineEventKind.PreStopFinished);
            (sigTerm.At - removed.At).TotalSeconds.ShouldBe(9.95, tolerance: 0.01);
            finished.At.ShouldBe(sigTerm.At);
            sigTerm.Detail!.ShouldContain("preStop 10 s (sleep action)");
        }
    }

    [Fact]
    public void Snapshot_SliceEntryOfAnotherDeploymentsPod_IsLeftOut()
    {
        var timeline = RecordedStreams.Replay("clean-rollout");
        timeline.Apply(Slice("other", "db-0", ready: true), TimeSpan.FromSeconds(30));

        timeline.Snapshot().ShouldNotContain(e => e.Pod == "db-0");
        timeline.PodNames.ShouldNotContain("db-0");
    }

    [Fact]
    public void Apply_WatchError_BecomesANote()
    {
        var timeline = new LiveTimeline();
        using var status = JsonDocument.Parse("""{"kind":"Status","status":"Failure","message":"too old resource version: 5 (9)","code":410}""");

        timeline.Apply(new WatchEvent(WatchEvent.Error, status.RootElement.Clone()), TimeSpan.FromSeconds(1));

        timeline.Notes.ShouldHaveSingleItem().ShouldContain("too old resource version");
        timeline.Snapshot().ShouldBeEmpty();
    }

    [Fact]
    public void Apply_PodInTwoSlicesReadyInOne_StaysInTheDataPlaneUntilBothDropIt()
    {
        var timeline = new LiveTimeline();
        using var pod = JsonDocument.Parse("""{"kind":"Pod","metadata":{"name":"web-1"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}""");
        timeline.Apply(new WatchEvent(WatchEvent.Added, pod.RootElement.Clone()), TimeSpan.Zero, initial: true);

        timeline.Apply(Slice("web-v4", "web-1", ready: true), TimeSpan.FromSeconds(1));
        timeline.Apply(Slice("web-v6", "web-1", ready: true), TimeSpan.FromSeconds(1));
        timeline.Apply(Slice("web-v4", "web-1", ready: false), TimeSpan.FromSeconds(2));
        timeline.Apply(Slice("web-v6", "web-1", ready: false), TimeSpan.FromSeconds(3));

        var endpointEvents = timeline.Snapshot().Where(e => e.DataPlane is not null).ToList();
        endpointEvents.Select(e => (e.Kind, e.At.TotalSeconds)).ShouldBe(
            [(TimelineEventKind.EndpointAdded, 1.0), (TimelineEventKind.EndpointRemoved, 3.0)]);
    }

    private static WatchEvent Slice(string slice, string pod, bool ready)
    {
        var flag = ready ? "true" : "false";
        var notFlag = ready ? "false" : "true";
        var json = "{\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"" + slice + "\"},\"endpoints\":[{\"addresses\":[\"10.0.0.1\"],"
            + "\"conditions\":{\"ready\":" + flag + ",\"serving\":true,\"terminating\":" + notFlag + "},"
            + "\"targetRef\":{\"kind\":\"Pod\",\"name\":\"" + pod + "\"}}]}";
        using var document = JsonDocument.Parse(json);
        return new WatchEvent(WatchEvent.Modified, document.RootElement.Clone());
    }
}
