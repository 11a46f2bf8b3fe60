using Handoff.Rollout.Attribution;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Attribution;

public class FailureAttributorTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    // Pod 'a' serves from 1 s, is deleted at 10 s with no preStop (SIGTERM at once, exit at 10.1 s), and its endpoint
    // is removed at 12 s. Pod 'b' serves from 1 s; pod 'k' ignores SIGTERM and is killed at 40 s.
    private static readonly TimelineEvent[] Events =
    [
        new(S(0), TimelineEventKind.PodCreated, "a"),
        new(S(0), TimelineEventKind.PodCreated, "b"),
        new(S(0), TimelineEventKind.PodCreated, "k"),
        new(S(1), TimelineEventKind.EndpointAdded, "a", "haproxy"),
        new(S(1), TimelineEventKind.EndpointAdded, "b", "haproxy"),
        new(S(1), TimelineEventKind.EndpointAdded, "k", "haproxy"),
        new(S(10), TimelineEventKind.PodTerminating, "a"),
        new(S(10), TimelineEventKind.SigTerm, "a"),
        new(S(10.1), TimelineEventKind.ContainerExited, "a", ExitCode: 0),
        new(S(12), TimelineEventKind.EndpointRemoved, "a", "haproxy"),
        new(S(10), TimelineEventKind.PodTerminating, "k"),
        new(S(10), TimelineEventKind.SigTerm, "k"),
        new(S(40), TimelineEventKind.SigKill, "k"),
        new(S(40), TimelineEventKind.ContainerExited, "k", ExitCode: 137),
        new(S(50), TimelineEventKind.EndpointRemoved, "b", "haproxy"),
        new(S(50), TimelineEventKind.EndpointRemoved, "k", "haproxy"),
    ];

    [Fact]
    public void Attribute_RefusedAfterSigTermBeforeRemoval_IsTheTerminationRace()
    {
        var request = new RequestRecord(S(11), S(11.001), RequestOutcome.ServerError, 503, "a");

        var failure = FailureAttributor.Attribute([request], Events).Failures.ShouldHaveSingleItem();

        failure.Cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        failure.Pod.ShouldBe("a");
        failure.Explanation.ShouldContain("after its SIGTERM");
    }

    [Fact]
    public void Attribute_QueuedBeforeSigTermRefusedAfter_IsTheTerminationRace()
    {
        // The client queued it 0.3 s before SIGTERM; the load balancer's connect was refused after it.
        var refused = new RequestRecord(S(9.7), S(10.5), RequestOutcome.ServerError, 503, "a");
        var reset = new RequestRecord(S(9.7), S(10.5), RequestOutcome.Reset, null, "a");

        var failures = FailureAttributor.Attribute([refused, reset], Events).Failures;

        failures[0].Cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        failures[1].Cause.ShouldBe(FailureCause.AbortedAtShutdown, "a reset in flight at SIGTERM on a pod that exited 0.1 s later was cut by the app's shutdown");
        failures[1].Explanation.ShouldContain("by the app's own shutdown");
    }

    [Fact]
    public void Attribute_InFlightAtSigKill_IsKilledAtGrace()
    {
        var request = new RequestRecord(S(39.5), S(40.01), RequestOutcome.Reset, null, "k");

        FailureAttributor.Attribute([request], Events).Failures.ShouldHaveSingleItem().Cause.ShouldBe(FailureCause.KilledAtGrace);
    }

    [Fact]
    public void Attribute_NoBackendNamedAcceptedAfterSigTermAndCutAtTheKill_IsKilledAtGrace()
    {
        // 'k' kept serving after SIGTERM (as an in-app delay does); with no backend header, time alone would say
        // "sent after SIGTERM". A reset at the kill was accepted and cut; a refusal at the same moment was not.
        var cut = new RequestRecord(S(20), S(40.01), RequestOutcome.Reset, null, null);
        var refused = new RequestRecord(S(39.95), S(40.01), RequestOutcome.Refused, null, null);

        var failures = FailureAttributor.Attribute([cut, refused], Events).Failures;

        failures[0].Cause.ShouldBe(FailureCause.KilledAtGrace);
        failures[0].Pod.ShouldBe("k");
        failures[0].Explanation.ShouldContain("killed at its grace deadline");
        failures[1].Cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
    }

    [Fact]
    public void Attribute_NoServerAfterEveryEndpointLeft_IsNoReadyEndpoints()
    {
        var request = new RequestRecord(S(51), S(51.001), RequestOutcome.ServerError, 503, "<NOSRV>");

        FailureAttributor.Attribute([request], Events).Failures.ShouldHaveSingleItem().Cause.ShouldBe(FailureCause.NoReadyEndpoints);
    }

    [Fact]
    public void Attribute_NoBackendHeader_FindsTheRacingPodByTime()
    {
        var request = new RequestRecord(S(11), S(11.001), RequestOutcome.Refused, null, null);

        var failure = FailureAttributor.Attribute([request], Events).Failures.ShouldHaveSingleItem();

        failure.Cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        failure.Pod.ShouldBe("a");
    }

    [Fact]
    public void Attribute_ErrorFromAHealthyPod_IsOther()
    {
        var request = new RequestRecord(S(5), S(5.2), RequestOutcome.ServerError, 500, "b");

        var failure = FailureAttributor.Attribute([request], Events).Failures.ShouldHaveSingleItem();

        failure.Cause.ShouldBe(FailureCause.Other);
        failure.Explanation.ShouldContain("HTTP 500");
    }

    [Fact]
    public void Attribute_SuccessfulRequests_AreNotListed()
    {
        var ok = new RequestRecord(S(11), S(11.001), RequestOutcome.Ok, 200, "b");

        var result = FailureAttributor.Attribute([ok], Events);

        result.Failures.ShouldBeEmpty();
        result.MainCause.ShouldBeNull();
    }

    [Fact]
    public void EndpointsAt_CountsAddedMinusRemoved()
    {
        FailureAttributor.EndpointsAt(Events, S(0.5)).ShouldBe(0);
        FailureAttributor.EndpointsAt(Events, S(11)).ShouldBe(3);
        FailureAttributor.EndpointsAt(Events, S(13)).ShouldBe(2);
        FailureAttributor.EndpointsAt(Events, S(60)).ShouldBe(0);
    }
}
