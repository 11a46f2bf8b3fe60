using Handoff.Rollout.Attribution;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>The attributor's causes that need a live timeline, on timelines from the recorded (hand-written) kubectl streams.</summary>
public class LiveAttributionTests
{
    [Fact]
    public void Attribute_FailureRightAfterAFailedPreStopHook_NamesTheHook()
    {
        // prestop-failed-killed-at-grace, restart at 10 s: api-...-9wz4c is deleted at 12.45 s, its hook fails at 12.55 s.
        var failure = Failed(12.6, 12.61, backend: null);

        var (cause, pod, explanation, notes) = Refine("prestop-failed-killed-at-grace", failure);

        cause.ShouldBe(FailureCause.PreStopHookFailed);
        pod.ShouldBe("api-5b6f9d8c7f-9wz4c");
        explanation.ShouldStartWith("FailedPreStopHook: the preStop hook of 'api-5b6f9d8c7f-9wz4c' failed at 12.550 s");
        notes.ShouldHaveSingleItem().ShouldStartWith("FailedPreStopHook: 1 failed request(s) followed a FailedPreStopHook on 'api-5b6f9d8c7f-9wz4c'");
    }

    [Fact]
    public void Attribute_InFlightAtTheKillWithNoBackend_IsKilledAtGrace()
    {
        // The container of api-...-9wz4c exits with 137 at 20.45 s, 8 s (its grace) after the deletion.
        var (cause, pod, explanation, _) = Refine("prestop-failed-killed-at-grace", Failed(20.3, 20.5, backend: null));

        cause.ShouldBe(FailureCause.KilledAtGrace);
        pod.ShouldBe("api-5b6f9d8c7f-9wz4c");
        explanation.ShouldBe("In flight when 'api-5b6f9d8c7f-9wz4c' was killed at its grace deadline (20.450 s, exit code 137).");
    }

    [Fact]
    public void Attribute_AfterTheSliceDroppedAStoppedPod_BlamesTheLaggingDataPlane()
    {
        // sigterm-before-endpoint-removal: web-...-k8v2q gets SIGTERM at 12.85 s; the slice drops it at 14.05 s.
        var (cause, pod, explanation, _) = Refine("sigterm-before-endpoint-removal", Failed(14.5, 14.51, backend: null));

        cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        pod.ShouldBe("web-6d4cf56db6-k8v2q");
        explanation.ShouldContain("after the EndpointSlice dropped 'web-6d4cf56db6-k8v2q'");
    }

    [Fact]
    public void Attribute_NewPodFailsBeforeItsFirstSuccess_IsServedBeforeReady()
    {
        // clean-rollout: web-...-2xq9d turns Ready at 12.5 s and joins the slice at 12.6 s.
        var failure = Failed(12.7, 12.71, backend: "web-7f9b8c7d44-2xq9d");
        var firstOk = new RequestRecord(TimeSpan.FromSeconds(13), TimeSpan.FromSeconds(13.01), RequestOutcome.Ok, 200, "web-7f9b8c7d44-2xq9d");

        var (cause, pod, explanation, notes) = Refine("clean-rollout", failure, firstOk);

        cause.ShouldBe(FailureCause.ServedBeforeReady);
        pod.ShouldBe("web-7f9b8c7d44-2xq9d");
        explanation.ShouldStartWith("new pod served before it was ready: 'web-7f9b8c7d44-2xq9d' became an endpoint at 12.600 s (Ready 12.500 s)");
        notes.ShouldHaveSingleItem().ShouldContain("it was marked ready before it could serve");
    }

    [Fact]
    public void Attribute_FailureOnAPodJustBeforeItsDeletionWasSeen_IsTheSameRace()
    {
        // sigterm-before-endpoint-removal: the watch saw web-...-k8v2q's deletion (and so its inferred SIGTERM) at 12.85 s.
        var (cause, pod, explanation, _) = Refine("sigterm-before-endpoint-removal", Failed(12.5, 12.51, backend: "web-6d4cf56db6-k8v2q"));

        cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        pod.ShouldBe("web-6d4cf56db6-k8v2q");
        explanation.ShouldStartWith("Sent 0.350 s before the SIGTERM inferred for 'web-6d4cf56db6-k8v2q', within the watch's delivery delay");
    }

    [Fact]
    public void Attribute_FailureNoEventExplains_StaysOther()
    {
        var (cause, _, _, notes) = Refine("clean-rollout", Failed(5, 5.01, backend: null));

        cause.ShouldBe(FailureCause.Other);
        notes.ShouldBeEmpty();
    }

    [Fact]
    public void Attribute_DataPlaneLagIsAnInput_AShorterLagDoesNotBlameTheDroppedPod()
    {
        // sigterm-before-endpoint-removal: the slice drops web-...-k8v2q at 14.05 s; this request starts 0.25 s later,
        // while the new web-...-2xq9d (an endpoint since 12.8 s) has served nothing yet.
        var late = Failed(14.3, 14.31, backend: null);
        var events = RecordedStreams.Replay("sigterm-before-endpoint-removal").Snapshot();

        var tenSeconds = FailureAttributor.Attribute([late], events, new AttributionOptions { DataPlaneLag = TimeSpan.FromSeconds(10) }).Failures.ShouldHaveSingleItem();
        var shortLag = FailureAttributor.Attribute([late], events, new AttributionOptions { DataPlaneLag = TimeSpan.FromMilliseconds(200) }).Failures.ShouldHaveSingleItem();

        (tenSeconds.Cause, tenSeconds.Pod).ShouldBe((FailureCause.SigTermBeforeEndpointRemoval, "web-6d4cf56db6-k8v2q"));
        (shortLag.Cause, shortLag.Pod).ShouldBe((FailureCause.ServedBeforeReady, "web-7f9b8c7d44-2xq9d"));
    }

    [Theory]
    [InlineData(TimelineOrigin.Inferred, FailureCause.SigTermBeforeEndpointRemoval)]
    [InlineData(TimelineOrigin.Observed, FailureCause.Other)]
    public void Attribute_FailureJustBeforeSigTerm_IsTheRaceOnlyWhenSigTermWasInferred(TimelineOrigin origin, FailureCause expected)
    {
        TimelineEvent[] events =
        [
            new(TimeSpan.FromSeconds(1), TimelineEventKind.PodCreated, "a"),
            new(TimeSpan.FromSeconds(2), TimelineEventKind.EndpointAdded, "a", "haproxy"),
            new(TimeSpan.FromSeconds(10), TimelineEventKind.SigTerm, "a", Origin: origin),
        ];
        var failure = new RequestRecord(TimeSpan.FromSeconds(9.5), TimeSpan.FromSeconds(9.6), RequestOutcome.ServerError, 500, "a");

        FailureAttributor.Attribute([failure], events).Failures.ShouldHaveSingleItem().Cause.ShouldBe(expected);
    }

    private static RequestRecord Failed(double start, double end, string? backend)
        => new(TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end), RequestOutcome.ServerError, 503, backend);

    private static (FailureCause Cause, string? Pod, string Explanation, IReadOnlyList<string> Notes) Refine(string scenario, params RequestRecord[] records)
    {
        var events = RecordedStreams.Replay(scenario).Snapshot();
        var attribution = FailureAttributor.Attribute(records, events);
        var failure = attribution.Failures.ShouldHaveSingleItem();
        return (failure.Cause, failure.Pod, failure.Explanation, attribution.Notes);
    }
}
