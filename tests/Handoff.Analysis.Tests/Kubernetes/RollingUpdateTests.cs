using System.Globalization;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Tests.Kubernetes;

public class RollingUpdateTests
{
    private static IntOrString? Value(string? text) => text switch
    {
        null => null,
        _ when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => new IntOrString(n, null),
        _ => new IntOrString(null, text),
    };

    [Theory]
    [InlineData(null, null, 3, 1, 0)] // defaults 25%/25%: surge rounds up, unavailable down
    [InlineData(null, null, 4, 1, 1)]
    [InlineData(null, null, 1, 1, 0)]
    [InlineData("0", "25%", 3, 0, 1)] // both resolve to 0: the controller makes maxUnavailable 1, not maxSurge
    [InlineData("0%", "1%", 2, 0, 1)]
    [InlineData("100%", "0", 3, 3, 0)]
    [InlineData("1%", "25%", 2, 1, 0)]
    [InlineData("2", "5", 3, 2, 5)] // numbers are taken as written (the sync caps maxUnavailable at replicas)
    [InlineData("0", "0", 0, 0, 1)]
    public void Resolve_LikeResolveFenceposts(string? surge, string? unavailable, int replicas, int expectedSurge, int expectedUnavailable)
    {
        var fenceposts = RollingUpdateFenceposts.Resolve(Value(surge), Value(unavailable), replicas);

        fenceposts.ShouldBe(new RollingUpdateFenceposts(expectedSurge, expectedUnavailable));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("%")]
    [InlineData("1.5%")]
    public void Resolve_NeitherNumberNorPercentage_IsNull(string written) =>
        RollingUpdateFenceposts.Resolve(Value(written), null, 3).ShouldBeNull();

    // The examples in the comment on ResolveFenceposts (pkg/controller/deployment/util/deployment_util.go):
    // "2 desired, max unavailable 1%, surge 0% - should scale old(-1), then new(+1), then old(-1), then new(+1)".
    [Theory]
    [InlineData(2, "0%", "1%", "-old +new -old +new")]
    [InlineData(1, "0%", "1%", "-old +new")]
    [InlineData(2, "1%", "25%", "+new -old +new -old")]
    [InlineData(1, "1%", "25%", "+new -old")]
    [InlineData(2, "1%", "0%", "+new -old +new -old")]
    [InlineData(1, "1%", "0%", "+new -old")]
    public void Run_ExamplesOfTheDeploymentController_ScaleInTheSameOrder(int replicas, string surge, string unavailable, string expected)
    {
        var fenceposts = RollingUpdateFenceposts.Resolve(Value(surge), Value(unavailable), replicas)!;

        var simulation = RolloutSimulator.Run(new RolloutParameters(replicas, fenceposts.MaxSurge, fenceposts.MaxUnavailable, 0, PodStartSeconds: 5, TerminationSeconds: 20));

        Order(simulation).ShouldBe(expected);
    }

    [Fact]
    public void Run_FullSurge_CreatesEveryNewPodBeforeDeletingAnyOld()
    {
        var simulation = RolloutSimulator.Run(new RolloutParameters(3, 3, 0, 0, PodStartSeconds: 5, TerminationSeconds: 20));

        Order(simulation).ShouldBe("+new +new +new -old -old -old");
        simulation.Actions.Where(a => a.Create).ShouldAllBe(a => a.At == TimeSpan.Zero);
        simulation.Cost.CompleteSeconds.ShouldBe(5);
        simulation.Cost.PeakPods.ShouldBe(6);
    }

    [Fact]
    public void Run_MinReadySeconds_DelaysEachDeletionUntilTheNewPodIsAvailable()
    {
        var simulation = RolloutSimulator.Run(new RolloutParameters(2, 1, 0, MinReadySeconds: 7, PodStartSeconds: 5, TerminationSeconds: 20));

        Order(simulation).ShouldBe("+new -old +new -old");
        simulation.Actions.Where(a => !a.Create).Select(a => a.At.TotalSeconds).ShouldBe([12, 24]);
        simulation.Cost.CompleteSeconds.ShouldBe(24);
        simulation.Cost.OldPodsGoneSeconds.ShouldBe(44);
    }

    [Fact]
    public void Run_BothZero_TakesAReadyPodAwayFirst()
    {
        // maxSurge 0 and maxUnavailable 25% on 3 replicas: explain used to make this maxSurge 1; Kubernetes makes it maxUnavailable 1.
        var simulation = RolloutSimulator.Run(new RolloutParameters(3, 0, 0, 0, PodStartSeconds: 5, TerminationSeconds: 2));

        Order(simulation).ShouldBe("-old +new -old +new -old +new");
        simulation.Cost.PeakExtraPods.ShouldBe(1, "the deleted pod is still terminating when its replacement starts");
    }

    [Fact]
    public void Run_Recreate_DeletesEveryOldPodAndCreatesOnlyWhenTheyAreGone()
    {
        var simulation = RolloutSimulator.Run(new RolloutParameters(3, 1, 0, 0, PodStartSeconds: 5, TerminationSeconds: 20, Recreate: true));

        Order(simulation).ShouldBe("-old -old -old +new +new +new");
        simulation.Actions.Where(a => a.Create).ShouldAllBe(a => a.At == TimeSpan.FromSeconds(20));
        simulation.Cost.CompleteSeconds.ShouldBe(25);
    }

    [Fact]
    public void Decide_UnavailableOldPod_IsDeletedFirstWithoutCostingAvailability()
    {
        // cleanupUnhealthyReplicas: once the new pod is available, the old pod that is not Ready goes, though no Ready one may.
        var spec = new RollingUpdateSpec(3, new RollingUpdateFenceposts(1, 0), TimeSpan.Zero);
        RolloutPodState[] pods =
        [
            new("old-1", false, 1, TimeSpan.Zero, false, false),
            new("old-2", false, 2, null, false, false),
            new("old-3", false, 3, TimeSpan.Zero, false, false),
            new("new-1", true, 4, TimeSpan.Zero, false, false),
        ];

        var decision = RollingUpdateController.Decide(spec, pods, TimeSpan.FromSeconds(1));

        decision.Create.ShouldBe(0);
        decision.Delete.ShouldBe(["old-2"]);
    }

    [Fact]
    public void Decide_TerminationComplete_CountsTerminatingPodsTowardSurge()
    {
        RolloutPodState[] pods =
        [
            new("old-1", false, 1, TimeSpan.Zero, Terminating: true, Exited: false),
            new("old-2", false, 2, TimeSpan.Zero, false, false),
            new("new-1", true, 3, TimeSpan.Zero, false, false),
        ];
        var started = new RollingUpdateSpec(2, new RollingUpdateFenceposts(1, 0), TimeSpan.Zero);

        RollingUpdateController.Decide(started, pods, TimeSpan.FromSeconds(1)).Create.ShouldBe(1);
        RollingUpdateController.Decide(started with { Policy = ReplacementPolicy.TerminationComplete }, pods, TimeSpan.FromSeconds(1)).Create.ShouldBe(0);
    }

    internal static string Order(RolloutSimulation simulation) =>
        string.Join(' ', simulation.Actions.Select(a => (a.Create ? "+" : "-") + (a.IsNew ? "new" : "old")));
}
