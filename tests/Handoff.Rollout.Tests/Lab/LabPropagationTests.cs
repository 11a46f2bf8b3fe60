using System.Globalization;
using Handoff.Rollout.Attribution;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;
using Xunit.Abstractions;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>The lab measures the propagation it configured, from the traffic alone (real HAProxy, real Kestrel pods).</summary>
[Collection(LabSmokeCollection.Name)]
public class LabPropagationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Lab_PreStopOutlastsThePropagation_ObservedPropagationIsWithinAThirdOfASecondOfIt()
    {
        // preStop 3 s outlasts a 2 s propagation, so each old pod still answers when HAProxy stops sending to it.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(200));
        var (run, report) = await RunAsync(1000, timeout.Token);
        if (report.Propagation.Pods.Any(p => p.Evidence == PropagationEvidence.SlowResponses))
        {
            // This 2-core machine is shared with other builds: when it cannot carry 1,000 req/s, requests queue for
            // seconds and their start no longer says when HAProxy routed them. The report must then say "lower bound".
            report.Propagation.IsLowerBound.ShouldBeTrue();
            TextReport.Render(report).ShouldContain("lower --rps or run on a quieter machine");
            output.WriteLine("1000 req/s could not be sustained here (see the latencies above); measuring again at 300 req/s.");
            (run, report) = await RunAsync(300, timeout.Token);
        }

        var propagation = report.Propagation;
        propagation.Pods.Count.ShouldBe(2, "both old pods were deleted");
        foreach (var pod in propagation.Pods)
        {
            pod.Evidence.ShouldBe(PropagationEvidence.LastAnswered, pod.Explanation);
            pod.Observed.TotalSeconds.ShouldBeInRange(1.7, 2.3, pod.Explanation);

            // The traffic agrees with HAProxy's own removal (the command returned after the last request was sent to it).
            var removed = run.Events.Single(e => e.Pod == pod.Pod && e.Kind == TimelineEventKind.EndpointRemoved).At;
            (removed - pod.DeletedAt - pod.Observed).TotalSeconds.ShouldBeInRange(-0.05, 0.3, pod.Explanation);
        }

        propagation.IsLowerBound.ShouldBeFalse();
        propagation.Max!.Value.TotalSeconds.ShouldBeInRange(1.7, 2.3);
        propagation.Configured.ShouldBe(TimeSpan.FromSeconds(2));
        TextReport.Render(report).ShouldContain("configured 2 s (--propagation 2s)");
        await LabRuns.ShouldHaveLeftNothingAsync(run);
    }

    private async Task<(LabResult Run, RolloutReport Report)> RunAsync(int rps, CancellationToken cancellationToken)
    {
        var artifacts = TestPaths.Artifacts($"lab-propagation-{rps}");
        var run = await LabRuns.RunAsync("smoke-recommended.yaml", "2s", rps, TimeSpan.FromSeconds(20), cancellationToken, artifacts, connections: 64);
        var report = LabReport.Build(run);
        File.WriteAllText(Path.Combine(artifacts, "report.txt"), TextReport.Render(report));
        var latencies = run.Load.Records.Select(r => (r.End - r.Start).TotalMilliseconds).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rps} req/s asked, {run.Load.AchievedRate:0} req/s sent, latency p50 {latencies[latencies.Count / 2]:0} ms p90 {latencies[latencies.Count * 9 / 10]:0} ms; observed: {string.Join(", ", report.Propagation.Pods.Select(p => $"{p.Pod} {p.Observed.TotalSeconds:0.000} s ({p.Evidence}, {p.RequestsPerSecond:0} req/s to it)"))}"));
        await LabRuns.ShouldHaveLeftNothingAsync(run);
        return (run, report);
    }
}
