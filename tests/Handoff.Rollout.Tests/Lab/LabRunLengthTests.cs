using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>The lab's default --duration: explain's rollout simulation of the manifest, plus warm-up and tail.</summary>
public class LabRunLengthTests
{
    [Fact]
    public void For_RecommendedSample_IsLongerThanTheOldFixed30Seconds()
    {
        // 3 replicas one at a time (surge 1, unavailable 0), minReadySeconds 5, preStop 10 s: the old 30 s was too short.
        var spec = LabManifestReader.Read(Path.Combine(TestPaths.Root, "samples", "deploy", "recommended.yaml"));

        var (duration, reason) = LabRunLength.For(spec, TimeSpan.FromSeconds(2));

        duration.TotalSeconds.ShouldBeGreaterThan(30);
        duration.TotalSeconds.ShouldBeLessThan(90);
        reason.ShouldStartWith("sized to the rollout: 2 s warm-up + ");
        reason.ShouldContain("old pods gone 11 s after deletion");
    }

    [Fact]
    public void For_LongerPropagationThanPreStop_WaitsForThePropagation()
    {
        var spec = LabManifestReader.Read(TestPaths.Fixture("smoke-naive.yaml"));

        var (shortPlane, _) = LabRunLength.For(spec, TimeSpan.FromSeconds(1));
        var (longPlane, reason) = LabRunLength.For(spec, TimeSpan.FromSeconds(20));

        longPlane.ShouldBeGreaterThan(shortPlane + TimeSpan.FromSeconds(15));
        reason.ShouldContain("old pods gone 20 s after deletion");
    }

    [Fact]
    public void For_LongLivedTraffic_WaitsForTheDeclaredDrainOrTheGracePeriod()
    {
        // long-lived.yaml: preStop 2 s, grace 20 s, 'handoff.dev/long-lived-drain-seconds: "10"'.
        var declared = LabManifestReader.Read(TestPaths.Fixture("long-lived.yaml"));
        // The Helm chart of a gRPC chat service: preStop 5 s, grace 30 s, nothing declared. Plain ASP.NET Core keeps its
        // streams until its 30 s shutdown timeout, so a run sized for requests was cut short before the rollout ended.
        var undeclared = LabManifestReader.Read(Path.Combine(TestPaths.Root, "tests", "fixtures", "field", "helm-grpc-chat", "rendered.yaml"));

        declared.LongLivedDrain.ShouldBe(TimeSpan.FromSeconds(10));
        undeclared.LongLivedDrain.ShouldBeNull();
        LabRunLength.For(declared, TimeSpan.FromSeconds(1), longLived: true).Reason
            .ShouldContain("old pods gone 13 s after deletion; long-lived connections: preStop + the declared drain 10 s)");
        LabRunLength.For(undeclared, TimeSpan.FromSeconds(2), longLived: true).Reason
            .ShouldContain("old pods gone 32 s after deletion; long-lived connections: up to the grace period, as no long-lived drain is declared)");
        LabRunLength.For(undeclared, TimeSpan.FromSeconds(2)).Reason.ShouldContain("old pods gone 6 s after deletion)");
    }
}
