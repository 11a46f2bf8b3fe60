using Handoff.Rollout.Attribution;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>
/// Lab timeline -> Kubernetes watch events (what the lab writes for a stand-in kubectl) -> live timeline (what verify
/// reads): the round trip keeps every time that attribution uses, and verify infers the SIGTERM the lab observed.
/// </summary>
public sealed class WatchEventWriterTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "handoff-writer-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Write_LabRolloutWithoutPreStop_VerifySeesTheSameRaceAndBlamesTheSameCause()
    {
        var lab = LabTimeline(preStop: 0, exitCode: 0, exitAfter: 0.3);

        var live = RoundTrip(lab, new PodTemplateFacts(30, 0, "none"));

        Times(live, "web-v1-1", TimelineEventKind.SigTerm).ShouldBe(Times(lab, "web-v1-1", TimelineEventKind.SigTerm));
        Times(live, "web-v1-1", TimelineEventKind.EndpointRemoved).ShouldBe(Times(lab, "web-v1-1", TimelineEventKind.EndpointRemoved));
        Times(live, "web-v2-3", TimelineEventKind.EndpointAdded).ShouldBe(Times(lab, "web-v2-3", TimelineEventKind.EndpointAdded));
        Times(live, "web-v2-3", TimelineEventKind.PodReady).ShouldBe(Times(lab, "web-v2-3", TimelineEventKind.PodReady));
        live.Single(e => e.Kind == TimelineEventKind.ContainerExited).ExitCode.ShouldBe(0);
        var failed = new RequestRecord(TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(3.501), RequestOutcome.ServerError, 503, "web-v1-1");
        FailureAttributor.Attribute([failed], live).Failures.ShouldHaveSingleItem().Cause
            .ShouldBe(FailureAttributor.Attribute([failed], lab).Failures.Single().Cause);
        FailureAttributor.Attribute([failed], live).Failures.Single().Cause.ShouldBe(FailureCause.SigTermBeforeEndpointRemoval);
    }

    [Fact]
    public void Write_LabPodKilledAtGrace_VerifyInfersSigTermAfterPreStopAndTheKill()
    {
        var lab = LabTimeline(preStop: 5, exitCode: 137, exitAfter: 8, grace: 8);

        var live = RoundTrip(lab, new PodTemplateFacts(8, 5, "sleep action"));

        Times(live, "web-v1-1", TimelineEventKind.SigTerm).ShouldBe(Times(lab, "web-v1-1", TimelineEventKind.SigTerm));
        Times(live, "web-v1-1", TimelineEventKind.SigKill).ShouldBe(Times(lab, "web-v1-1", TimelineEventKind.SigKill));
        live.Single(e => e.Kind == TimelineEventKind.ContainerExited).ExitCode.ShouldBe(137);
    }

    [Fact]
    public void Write_SigTermAndPreStopEvents_AreNotWrittenBecauseAClusterDoesNotShowThem()
    {
        var writer = new WatchEventWriter(_directory, "web", "lab", new PodTemplateFacts(30, 5, "sleep action"), TimeProvider.System);

        writer.Write(new TimelineEvent(TimeSpan.FromSeconds(1), TimelineEventKind.SigTerm, "web-v1-1"));
        writer.Write(new TimelineEvent(TimeSpan.FromSeconds(1), TimelineEventKind.PreStopStarted, "web-v1-1"));
        writer.Write(new TimelineEvent(TimeSpan.FromSeconds(1), TimelineEventKind.SigKill, "web-v1-1"));

        new[] { "pods.jsonl", "endpointslices.jsonl", "events.jsonl" }
            .ShouldAllBe(file => new FileInfo(Path.Combine(_directory, file)).Length == 0);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A rollout as the lab records it: two old pods, one new pod, one old pod terminated.</summary>
    private static List<TimelineEvent> LabTimeline(double preStop, int exitCode, double exitAfter, int grace = 30)
    {
        static TimelineEvent E(double at, TimelineEventKind kind, string pod = "", string? plane = null, int? code = null)
            => new(TimeSpan.FromSeconds(at), kind, pod, plane, code);
        var terminating = 3.1;
        var events = new List<TimelineEvent>
        {
            E(0.0, TimelineEventKind.PodCreated, "web-v1-1"),
            E(0.0, TimelineEventKind.PodCreated, "web-v1-2"),
            E(0.5, TimelineEventKind.PodReady, "web-v1-1"),
            E(0.5, TimelineEventKind.PodReady, "web-v1-2"),
            E(0.6, TimelineEventKind.EndpointAdded, "web-v1-1", "haproxy"),
            E(0.6, TimelineEventKind.EndpointAdded, "web-v1-2", "haproxy"),
            E(2.0, TimelineEventKind.RolloutStarted),
            E(2.1, TimelineEventKind.PodCreated, "web-v2-3"),
            E(3.0, TimelineEventKind.PodReady, "web-v2-3"),
            E(3.05, TimelineEventKind.EndpointAdded, "web-v2-3", "haproxy"),
            E(terminating, TimelineEventKind.PodTerminating, "web-v1-1"),
            E(terminating + preStop, TimelineEventKind.SigTerm, "web-v1-1"),
            E(terminating + 2.0, TimelineEventKind.EndpointRemoved, "web-v1-1", "haproxy"),

            // A second new pod joins while web-v1-1 is terminating: the slice changes, web-v1-1 must stay in it.
            E(3.3, TimelineEventKind.PodCreated, "web-v2-4"),
            E(4.0, TimelineEventKind.PodReady, "web-v2-4"),
            E(4.05, TimelineEventKind.EndpointAdded, "web-v2-4", "haproxy"),
        };
        if (preStop > 0)
        {
            events.Add(E(terminating, TimelineEventKind.PreStopStarted, "web-v1-1"));
            events.Add(E(terminating + preStop, TimelineEventKind.PreStopFinished, "web-v1-1"));
        }

        if (exitCode == 137)
        {
            events.Add(E(terminating + grace, TimelineEventKind.SigKill, "web-v1-1"));
        }

        events.Add(E(terminating + Math.Max(exitAfter, preStop), TimelineEventKind.ContainerExited, "web-v1-1", code: exitCode));
        return [.. events.OrderBy(e => e.At)];
    }

    /// <summary>Writes each lab event, reads what was appended, and applies it to a live timeline at the same time.</summary>
    private List<TimelineEvent> RoundTrip(List<TimelineEvent> lab, PodTemplateFacts template)
    {
        var writer = new WatchEventWriter(_directory, "web", "lab", template, TimeProvider.System);
        var live = new LiveTimeline();
        var read = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in lab)
        {
            writer.Write(e);
            foreach (var file in new[] { "pods.jsonl", "endpointslices.jsonl", "events.jsonl" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(_directory, file));
                var from = read.GetValueOrDefault(file);
                foreach (var watchEvent in WatchStreamReader.ReadAll(bytes.AsSpan((int)from)))
                {
                    live.Apply(watchEvent, e.At, initial: e.At == TimeSpan.Zero);
                }

                read[file] = bytes.Length;
            }
        }

        return [.. live.Snapshot()];
    }

    private static List<double> Times(IEnumerable<TimelineEvent> events, string pod, TimelineEventKind kind)
        => [.. events.Where(e => e.Pod == pod && e.Kind == kind).Select(e => Math.Round(e.At.TotalSeconds, 3))];
}
