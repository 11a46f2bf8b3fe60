using Handoff.Rollout.Attribution;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Tests.Cluster;
using Handoff.Rollout.Testing;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Tests.Lab;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>
/// The whole verify path with real HTTP traffic on 127.0.0.1 and watch streams written live: a scripted control
/// plane records timeline events, <see cref="WatchEventWriter"/> turns them into watch events as they happen, the
/// stand-in kubectl streams them to verify (watch-only), and a real HTTP server fails the requests routed to the
/// pod that got SIGTERM while its endpoint is still in place.
/// </summary>
// Timing-sensitive: runs one at a time with the lab tests, not alongside them on a 2-core machine.
[Collection(LabSmokeCollection.Name)]
public sealed class LiveStreamingTests : IDisposable
{
    private readonly string _scenario = Directory.CreateTempSubdirectory("handoff-live-").FullName;

    [Fact]
    public async Task RunAsync_RaceWrittenLiveWhileTrafficFlows_BlamesSigTermBeforeEndpointRemovalOnThatPod()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        File.WriteAllText(Path.Combine(_scenario, "scenario.json"),
            """{"contexts":["lab"],"currentContext":"lab","contextNamespace":"lab","rolloutFinishedMarker":"rollout-finished"}""");
        File.WriteAllText(Path.Combine(_scenario, "deployment.web.json"),
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"lab"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"x"}]}}}}""");
        var recorder = new TimelineRecorder(new RunClock(TimeProvider.System));
        var writer = new WatchEventWriter(_scenario, "web", "lab", new PodTemplateFacts(30, 0, "none"), TimeProvider.System);
        using var pump = new CancellationTokenSource();
        var pumping = writer.PumpAsync(recorder, TimeSpan.FromMilliseconds(10), pump.Token);
        await using var server = new ScriptedBackends();
        foreach (var pod in new[] { "web-1", "web-2" })
        {
            recorder.Record(TimelineEventKind.PodCreated, pod);
            recorder.Record(TimelineEventKind.PodReady, pod);
            recorder.Record(TimelineEventKind.EndpointAdded, pod, "lab");
            server.Add(pod);
        }

        await Task.Delay(200, timeout.Token);
        using var standIn = StandInKubectl.ForDirectory(_scenario);
        var kubectl = Kubectl.TryCreate(new KubectlOptions { Path = standIn.ExecutablePath }, out _)!;
        var preflight = await LivePreflight.RunAsync(kubectl, "web", needsRestart: false, timeout.Token);
        preflight.Errors.ShouldBeEmpty();
        var options = new LiveVerifyOptions
        {
            Target = server.Url,
            RequestsPerSecond = 200,
            Rollout = new LiveRolloutOptions { Trigger = TriggerMode.WatchOnly, Baseline = TimeSpan.FromSeconds(0.5), Tail = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(40) },
        };

        var verifying = LiveVerifier.RunAsync(preflight.Cluster!, preflight, options, TimeProvider.System, null, timeout.Token);
        await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
        recorder.Record(TimelineEventKind.RolloutStarted, string.Empty);
        recorder.Record(TimelineEventKind.PodCreated, "web-3");
        recorder.Record(TimelineEventKind.PodReady, "web-3");
        recorder.Record(TimelineEventKind.EndpointAdded, "web-3", "lab");
        server.Add("web-3");
        recorder.Record(TimelineEventKind.PodTerminating, "web-1");
        recorder.Record(TimelineEventKind.SigTerm, "web-1");
        server.Stop("web-1");
        await Task.Delay(TimeSpan.FromSeconds(1.5), timeout.Token);
        server.Remove("web-1");
        recorder.Record(TimelineEventKind.EndpointRemoved, "web-1", "lab");
        recorder.Record(TimelineEventKind.ContainerExited, "web-1", exitCode: 0);
        recorder.Record(TimelineEventKind.RolloutFinished, string.Empty);
        var result = await verifying;
        await pump.CancelAsync();
        await pumping;

        var report = LiveReport.Build(result);
        Keep(report);
        result.Rollout.ShouldBe(new RolloutOutcome(true, null));
        server.Served.ShouldBeGreaterThan(300, "200 req/s for a few seconds");
        // Requests in flight when the load stops are abandoned, not recorded; the server may have answered them.
        report.Records.Count.ShouldBeInRange(server.Served - 5, server.Served);
        report.Failed.ShouldBe(server.Failed, "the stopped pod failed only during the race, well before the stop");
        report.Failed.ShouldBeGreaterThan(20, "about a third of 1.5 s x 200 req/s went to the stopped pod");
        report.Attribution.Failures.ShouldAllBe(f => f.Cause == FailureCause.SigTermBeforeEndpointRemoval && f.Pod == "web-1");
        var sigTerm = result.Events.Single(e => e.Kind == TimelineEventKind.SigTerm);
        sigTerm.Pod.ShouldBe("web-1");
        sigTerm.Detail!.ShouldStartWith(LiveTimeline.InferredPrefix);
        result.Events.ShouldContain(e => e.Kind == TimelineEventKind.RolloutStarted && e.Detail == "watch-only: first pod change seen");
        TextReport.Verdict(report).ShouldStartWith($"FAILED: {report.Failed} of {report.Records.Count} requests failed; main cause: SIGTERM before endpoint removal.");

        // verify measures the propagation from its own timeline with the lab's computation: web-1 stopped at once,
        // so it is when its failures stopped, 1.5 s after the deletion, and only a lower bound.
        var measured = report.Propagation.Pods.ShouldHaveSingleItem();
        (measured.Pod, measured.Evidence).ShouldBe(("web-1", PropagationEvidence.FailuresStopped));
        measured.Observed.TotalSeconds.ShouldBeInRange(1.3, 2.2, measured.Explanation);
        TextReport.Render(report).ShouldContain("propagation  observed max >=");
        KubectlTests.StandInProcessesStillRunning(standIn).ShouldBe(0);
    }

    public void Dispose() => Directory.Delete(_scenario, recursive: true);

    /// <summary>Keeps the reports under artifacts/test-results/verify for a person to read (docs/verify.md quotes one).</summary>
    private static void Keep(RolloutReport report)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Handoff.slnx")))
            {
                var target = Path.Combine(dir.FullName, "artifacts", "test-results", "verify");
                Directory.CreateDirectory(target);
                File.WriteAllText(Path.Combine(target, "live-streaming.txt"), TextReport.Render(report));
                File.WriteAllText(Path.Combine(target, "live-streaming.html"), HtmlReport.Render(report));
                File.WriteAllText(Path.Combine(target, "live-streaming.json"), JsonReport.Render(report));
                return;
            }
        }
    }
}
