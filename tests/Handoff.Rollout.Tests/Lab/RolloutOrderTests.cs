using Handoff.Analysis;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Manifests;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>
/// The same manifest through explain (its rollout parameters and simulated rollout) and through the lab (real pods
/// driven by the same controller decision): the creates and deletes come in the same order.
/// </summary>
// In the lab collection: lab runs go one at a time, so that none starves another of CPU.
[Collection(LabSmokeCollection.Name)]
public class RolloutOrderTests
{
    [Theory(Timeout = 120_000)]
    [InlineData("one-replica.yaml", 1, 0, "+new -old")]
    [InlineData("surge-zero-quarter.yaml", 0, 1, "-old +new -old +new -old +new")]
    [InlineData("full-surge.yaml", 3, 0, "+new +new +new -old -old -old")]
    [InlineData("recreate.yaml", null, null, "-old -old -old +new +new +new")]
    public async Task LabAndExplain_SameManifest_CreateAndDeleteInTheSameOrder(string fixture, int? surge, int? unavailable, string expected)
    {
        var path = "rollout-order/" + fixture;
        var spec = LabManifestReader.Read(TestPaths.Fixture(path));
        var explain = WorkloadTimeline.FromAnalysis(Analyzer.Analyze(ManifestSet.FromText(File.ReadAllText(TestPaths.Fixture(path)), fixture)), 10, podStartSeconds: 2)
            .Single().Rollout!;
        if (surge is not null)
        {
            (spec.MaxSurge, spec.MaxUnavailable).ShouldBe((surge.Value, unavailable!.Value));
            (explain.MaxSurge, explain.MaxUnavailable).ShouldBe((surge.Value, unavailable.Value));
        }

        var simulated = string.Join(' ', RolloutSimulator.Run(explain).Actions.Select(a => (a.Create ? "+" : "-") + (a.IsNew ? "new" : "old")));

        var result = await LabRuns.RunAsync(path, "0.2s", 20, TimeSpan.FromSeconds(25), CancellationToken.None);

        result.RolloutFinished.ShouldBeTrue();
        var started = result.Events.Single(e => e.Kind == TimelineEventKind.RolloutStarted).At;
        var lab = string.Join(' ', result.Events
            .Where(e => e.At >= started && (e.Kind == TimelineEventKind.PodCreated || e.Kind == TimelineEventKind.PodTerminating))
            .Select(e => (e.Kind == TimelineEventKind.PodCreated ? "+" : "-") + (e.Pod.Contains("-v2-", StringComparison.Ordinal) ? "new" : "old")));
        simulated.ShouldBe(expected);
        lab.ShouldBe(simulated);
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }
}
