// The lab writes its timeline as watch streams (WatchEventWriter, through LabOptions.OnTimelineEvent) while verify,
// reading only those streams through the stand-in kubectl, loads the lab's HAProxy: both must blame the same cause.
using Handoff.Rollout.Attribution;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Tests.Cluster;
using Handoff.Rollout.Testing;
using Handoff.Rollout.Tests.Lab;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>
/// The whole path on this machine: 'handoff lab' rolls a Deployment with real app processes behind a real HAProxy and
/// writes its emulated Pods and EndpointSlices as Kubernetes watch events while they happen; the stand-in kubectl
/// streams them; verify loads the lab's HAProxy, infers SIGTERM from what it sees, and must blame the same race the
/// lab measured, at the same times.
/// </summary>
[Collection(LabSmokeCollection.Name)]
public sealed class LabEndToEndTests : IDisposable
{
    private readonly string _scenario = Directory.CreateTempSubdirectory("handoff-e2e-").FullName;

    [Fact]
    public async Task Verify_AgainstTheLabsHaProxyAndItsWatchStreams_BlamesTheRaceTheLabMeasured()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var spec = LabManifestReader.Read(TestPaths.Fixture("smoke-naive.yaml"));
        var grace = (int)spec.GracePeriod.TotalSeconds;
        File.WriteAllText(Path.Combine(_scenario, "scenario.json"),
            """{"contexts":["lab"],"currentContext":"lab","contextNamespace":"lab","rolloutFinishedMarker":"rollout-finished"}""");
        File.WriteAllText(Path.Combine(_scenario, $"deployment.{spec.Name}.json"),
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + spec.Name + "\",\"namespace\":\"lab\"},"
            + "\"spec\":{\"replicas\":" + spec.Replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + spec.Name + "\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + spec.Name + "\"}},"
            + "\"spec\":{\"terminationGracePeriodSeconds\":" + grace + ",\"containers\":[{\"name\":\"web\",\"image\":\"lab\"}]}}}}");
        var writer = new WatchEventWriter(_scenario, spec.Name, "lab", new PodTemplateFacts(grace, 0, "none"), TimeProvider.System);
        using var standIn = StandInKubectl.ForDirectory(_scenario);
        var kubectl = Kubectl.TryCreate(new KubectlOptions { Path = standIn.ExecutablePath }, out _)!;
        var preflight = await LivePreflight.RunAsync(kubectl, spec.Name, needsRestart: false, timeout.Token);
        preflight.Errors.ShouldBeEmpty();

        var haProxy = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var initialEndpoints = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endpoints = 0;
        PropagationDelay.TryParse("2s", out var propagation).ShouldBeTrue();
        var labOptions = new LabOptions
        {
            App = AppCommand.Parse(TestPaths.TestAppCommand),
            Propagation = propagation!,
            // The lab's observed propagation is its last failure on each old pod: at 60 req/s over 3 pods that is within
            // about 0.05 s of the endpoint removal (at 20 req/s a busy machine once left it 0.34 s short, past the bound below).
            RequestsPerSecond = 60,
            Connections = 4,
            Duration = TimeSpan.FromSeconds(30),
            Seed = 42,
            OnLoadBalancerStarted = url => haProxy.TrySetResult(url),
            OnTimelineEvent = e =>
            {
                writer.Write(e);
                if (e.Kind == TimelineEventKind.EndpointAdded && Interlocked.Increment(ref endpoints) == spec.Replicas)
                {
                    initialEndpoints.TrySetResult();
                }
            },
        };
        var labRun = new LabRunner(TimeProvider.System).RunAsync(spec, labOptions, progress: null, timeout.Token);
        await Task.WhenAny(initialEndpoints.Task, labRun).WaitAsync(TimeSpan.FromSeconds(60), timeout.Token);
        var verifyOptions = new LiveVerifyOptions
        {
            Target = await haProxy.Task,
            RequestsPerSecond = 200,
            Rollout = new LiveRolloutOptions
            {
                Trigger = TriggerMode.WatchOnly,
                Baseline = TimeSpan.FromMilliseconds(200),
                Tail = TimeSpan.FromSeconds(1),
                Timeout = TimeSpan.FromSeconds(25),
            },
        };
        var live = await LiveVerifier.RunAsync(preflight.Cluster!, preflight, verifyOptions, TimeProvider.System, null, timeout.Token);
        var lab = await labRun;

        var verifyReport = LiveReport.Build(live);
        var labReport = LabReport.Build(lab);
        File.WriteAllText(Path.Combine(TestPaths.Artifacts("verify"), "lab-e2e-verify.txt"), Handoff.Rollout.Reports.TextReport.Render(verifyReport));
        File.WriteAllText(Path.Combine(TestPaths.Artifacts("verify"), "lab-e2e-lab.txt"), Handoff.Rollout.Reports.TextReport.Render(labReport));
        live.Rollout.ShouldBe(new RolloutOutcome(true, null), string.Join(" ", live.Notes));
        lab.RolloutFinished.ShouldBeTrue();
        verifyReport.Records.Count.ShouldBeGreaterThan(1000, "200 req/s for several seconds through HAProxy");
        verifyReport.Failed.ShouldBeGreaterThan(0, "no preStop and 2 s propagation: the naive rollout loses requests");
        verifyReport.Attribution.MainCause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
        verifyReport.Attribution.MainCause.ShouldBe(labReport.Attribution.MainCause);
        verifyReport.Attribution.Failures.Where(f => f.Cause == FailureCause.SigTermBeforeEndpointRemoval)
            .ShouldAllBe(f => f.Pod != null && f.Pod.Contains("-v1-"), "only old pods are terminated");

        // The same moments on both clocks: verify's t=0 is later than the lab's by the difference of their starts.
        var shift = live.StartedAt - lab.StartedAt;
        var oldPods = lab.Events.Where(e => e.Kind == TimelineEventKind.PodTerminating).Select(e => e.Pod).ToList();
        oldPods.Count.ShouldBe(spec.Replicas);
        foreach (var pod in oldPods)
        {
            foreach (var kind in new[] { TimelineEventKind.SigTerm, TimelineEventKind.EndpointRemoved })
            {
                var measured = lab.Events.First(e => e.Pod == pod && e.Kind == kind).At - shift;
                var seen = live.Events.First(e => e.Pod == pod && e.Kind == kind).At;
                (seen - measured).TotalSeconds.ShouldBeInRange(-0.05, 0.5, $"{kind} of {pod}: verify sees it a little after the lab recorded it");
            }
        }

        // One computation, two timelines: verify's observed propagation of each old pod (from the deletion its watch
        // saw) is the lab's (from the deletion it made), less at most the watch's delivery delay.
        foreach (var labPod in labReport.Propagation.Pods)
        {
            var livePod = verifyReport.Propagation.Pods.Single(p => p.Pod == labPod.Pod);
            livePod.Evidence.ShouldBe(labPod.Evidence, livePod.Explanation);
            (livePod.Observed - labPod.Observed).TotalSeconds.ShouldBeInRange(-0.6, 0.3, $"{livePod.Explanation} / {labPod.Explanation}");
        }

        KubectlTests.StandInProcessesStillRunning(standIn).ShouldBe(0);
        await LabRuns.ShouldHaveLeftNothingAsync(lab);
    }

    public void Dispose() => Directory.Delete(_scenario, recursive: true);
}
