using Handoff.Rollout.Attribution;
using Handoff.Rollout.Load;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Attribution;

/// <summary>The observed propagation on hand-made timelines and traffic: each kind of evidence, the bounds, the report fields.</summary>
public class PropagationMeasurementTests
{
    private static readonly AttributionOptions TwoSeconds = new() { DataPlaneLag = TimeSpan.FromSeconds(2), DataPlaneLagSource = "--propagation 2s" };

    [Fact]
    public void Measure_PodStillListeningWhenThePlaneStops_IsTheStartOfItsLastAnsweredRequest()
    {
        // 'old' is deleted at 10 s, HAProxy stops sending at 12.2 s, SIGTERM comes at 13 s (preStop 3 s).
        var events = Timeline(deleted: 10, sigTerm: 13, removed: 12.2);
        var records = Traffic(perSecond: 200, from: 5, to: 16, pod: "old", until: 12.2, failAfter: null).Concat(Traffic(200, 5, 16, "new", 16, null)).ToList();

        var pod = Report(records, events).Propagation.Pods.ShouldHaveSingleItem();

        pod.Evidence.ShouldBe(PropagationEvidence.LastAnswered);
        pod.IsLowerBound.ShouldBeFalse();
        pod.Observed.TotalSeconds.ShouldBe(2.2, 0.006, "the last request it got started within one 5 ms gap of the stop");
        pod.Configured.ShouldBe(TimeSpan.FromSeconds(2));
        pod.RequestsPerSecond.ShouldBe(200, 1);
        pod.Explanation.ShouldStartWith("'old' answered its last request 2.19");
    }

    [Fact]
    public void Measure_PodStoppedListeningWhileThePlaneStillSent_IsWhenItsFailuresStopped_ALowerBound()
    {
        // No preStop: SIGTERM at the deletion, the pod refuses from then on, HAProxy stops sending at 11.5 s.
        var events = Timeline(deleted: 10, sigTerm: 10, removed: 11.5);
        var records = Traffic(200, 5, 14, "old", until: 11.5, failAfter: 10).Concat(Traffic(200, 5, 14, "new", 14, null)).ToList();

        var report = Report(records, events);
        var pod = report.Propagation.Pods.ShouldHaveSingleItem();

        pod.Evidence.ShouldBe(PropagationEvidence.FailuresStopped);
        pod.IsLowerBound.ShouldBeTrue();
        pod.Observed.TotalSeconds.ShouldBe(1.5, 0.006);
        report.Propagation.IsLowerBound.ShouldBeTrue();
        report.Notes.ShouldContain(n => n.StartsWith("'old' stopped listening 0.000 s after its deletion while the load balancer still sent to it", StringComparison.Ordinal));
    }

    [Fact]
    public void Measure_PodAnsweredRightUpToItsStop_IsALowerBound()
    {
        // preStop 1 s, the plane needs longer, and a load balancer that silently drops the refusing pod hides the failures.
        var events = Timeline(deleted: 10, sigTerm: 11, removed: 13);
        var records = Traffic(200, 5, 14, "old", until: 11, failAfter: null).Concat(Traffic(200, 5, 14, "new", 14, null)).ToList();

        var pod = Report(records, events).Propagation.Pods.ShouldHaveSingleItem();

        pod.Evidence.ShouldBe(PropagationEvidence.StoppedListening);
        pod.Observed.TotalSeconds.ShouldBe(1, 0.006);
        pod.Explanation.ShouldContain("is a lower bound");
    }

    [Fact]
    public void Measure_TooFewRequestsToThePod_SaysWhatRateWasNeeded()
    {
        // 2 req/s to each of two pods: one request every 0.5 s cannot place a stop within 0.3 s.
        var events = Timeline(deleted: 10, sigTerm: 13, removed: 12);
        var records = Traffic(2, 5, 14, "old", until: 12, failAfter: null).Concat(Traffic(2, 5, 14, "new", 14, null)).ToList();

        var pod = Report(records, events).Propagation.Pods.ShouldHaveSingleItem();

        pod.Evidence.ShouldBe(PropagationEvidence.TooFewRequests);
        pod.IsLowerBound.ShouldBeTrue();
        pod.Explanation.ShouldContain("too few to tell when the load balancer stopped: placing the stop within 0.300 s needs at least 3.3 req/s to the pod (about 7 req/s in all at its share of the load)");
    }

    [Fact]
    public void Measure_RequestsQueuedLongerThanTheResolution_IsALowerBound()
    {
        // A client that cannot keep up: each request waits 0.8 s before it reaches the load balancer.
        var events = Timeline(deleted: 10, sigTerm: 13, removed: 12);
        var records = Traffic(200, 5, 14, "old", until: 11.2, failAfter: null, latency: 0.8).Concat(Traffic(200, 5, 14, "new", 14, null, latency: 0.8)).ToList();

        var pod = Report(records, events).Propagation.Pods.ShouldHaveSingleItem();

        pod.Evidence.ShouldBe(PropagationEvidence.SlowResponses);
        pod.IsLowerBound.ShouldBeTrue();
        pod.Explanation.ShouldStartWith("requests took 0.800 s (median) around the last one 'old' got after its deletion");
    }

    [Fact]
    public void Measure_SeveralPods_SummaryHasMaxAndMedianAndTheJsonCarriesThem()
    {
        TimelineEvent[] events =
        [
            .. Timeline(deleted: 10, sigTerm: 14, removed: 11, pod: "a"),
            .. Timeline(deleted: 10, sigTerm: 14, removed: 12, pod: "b"),
            .. Timeline(deleted: 10, sigTerm: 14, removed: 13.5, pod: "c"),
        ];
        var records = Traffic(100, 5, 15, "a", 11, null).Concat(Traffic(100, 5, 15, "b", 12, null)).Concat(Traffic(100, 5, 15, "c", 13.5, null)).ToList();

        var report = Report(records, events);
        using var json = System.Text.Json.JsonDocument.Parse(JsonReport.Render(report));
        var summary = json.RootElement.GetProperty("summary");

        report.Propagation.Max!.Value.TotalSeconds.ShouldBe(3.5, 0.011);
        report.Propagation.Median!.Value.TotalSeconds.ShouldBe(2, 0.011);
        summary.GetProperty("observedPropagationSeconds").GetProperty("max").GetDouble().ShouldBe(3.5, 0.011);
        summary.GetProperty("observedPropagationSeconds").GetProperty("median").GetDouble().ShouldBe(2, 0.011);
        summary.GetProperty("observedPropagationSeconds").GetProperty("lowerBound").GetBoolean().ShouldBeFalse();
        summary.GetProperty("configuredPropagationSeconds").GetDouble().ShouldBe(2);
        summary.GetProperty("configuredPropagationSource").GetString().ShouldBe("--propagation 2s");
        var pods = json.RootElement.GetProperty("pods").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, StringComparer.Ordinal);
        pods["b"].GetProperty("observedPropagationSeconds").GetDouble().ShouldBe(2, 0.011);
        pods["b"].GetProperty("observedPropagationEvidence").GetString().ShouldBe("lastAnswered");
        var b = report.Propagation.Pods.Single(p => p.Pod == "b").Observed.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        TextReport.Render(report).ShouldContain(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"propagation  observed max {report.Propagation.Max.Value.TotalSeconds:0.000} s, median {b} s over 3 old pod(s); configured 2 s (--propagation 2s)"));
        HtmlReport.Render(report).ShouldContain($"class=\"observed-propagation\">{b}</td>");
    }

    [Fact]
    public void Measure_PodNeverDeleted_HasNoObservedPropagation()
    {
        TimelineEvent[] events = [new(TimeSpan.FromSeconds(1), TimelineEventKind.PodCreated, "a"), new(TimeSpan.FromSeconds(2), TimelineEventKind.EndpointAdded, "a", "haproxy")];

        var report = Report([.. Traffic(100, 3, 5, "a", 5, null)], events);

        report.Propagation.Pods.ShouldBeEmpty();
        report.Propagation.Max.ShouldBeNull();
        TextReport.Render(report).ShouldNotContain("propagation  observed");
        using var json = System.Text.Json.JsonDocument.Parse(JsonReport.Render(report));
        json.RootElement.GetProperty("summary").GetProperty("observedPropagationSeconds").GetProperty("max").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    private static RolloutReport Report(IReadOnlyList<RequestRecord> records, IReadOnlyList<TimelineEvent> events) =>
        RolloutReport.Build("test", [], records, events, attribution: TwoSeconds);

    private static TimelineEvent[] Timeline(double deleted, double sigTerm, double removed, string pod = "old") =>
    [
        new(TimeSpan.FromSeconds(1), TimelineEventKind.PodCreated, pod),
        new(TimeSpan.FromSeconds(2), TimelineEventKind.EndpointAdded, pod, "haproxy"),
        new(TimeSpan.FromSeconds(deleted), TimelineEventKind.PodTerminating, pod),
        new(TimeSpan.FromSeconds(sigTerm), TimelineEventKind.SigTerm, pod),
        new(TimeSpan.FromSeconds(removed), TimelineEventKind.EndpointRemoved, pod, "haproxy"),
        new(TimeSpan.FromSeconds(sigTerm + 0.2), TimelineEventKind.ContainerExited, pod, ExitCode: 0),
    ];

    // Requests at a steady rate to one pod from 'from' until the plane stops at 'until'; from 'failAfter' on they are refused.
    private static IEnumerable<RequestRecord> Traffic(double perSecond, double from, double to, string pod, double until, double? failAfter, double latency = 0.002)
    {
        for (var t = from; t < Math.Min(to, until); t += 1 / perSecond)
        {
            var start = TimeSpan.FromSeconds(t);
            yield return failAfter is { } f && t >= f
                ? new RequestRecord(start, start + TimeSpan.FromMilliseconds(1), RequestOutcome.ServerError, 503, pod)
                : new RequestRecord(start, start + TimeSpan.FromSeconds(latency), RequestOutcome.Ok, 200, pod);
        }
    }
}
