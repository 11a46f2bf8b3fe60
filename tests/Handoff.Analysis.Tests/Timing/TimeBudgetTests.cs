using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Timing;

public sealed class TimeBudgetTests
{
    private static TimeBudget Budget(string podSpecExtra, string containerExtra, string annotations = "{}", Profile? profile = null)
    {
        var yaml = $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: w}
            spec:
              template:
                metadata: {labels: {app: w}, annotations: {{annotations}}}
                spec:
            {{podSpecExtra}}
                  containers:
                    - name: app
                      image: app:1
            {{containerExtra}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: w}
            spec: {selector: {app: w}, ports: [{port: 80}]}
            """;
        var model = ClusterModel.Build(ManifestSet.FromText(yaml));
        model.Errors.ShouldBeEmpty();
        return TimeBudget.Compute(model.Workloads.Single(), model, profile ?? ProfileCatalog.BuiltIn.Default);
    }

    [Fact]
    public void Compute_NoPreStopDefaultGrace_ExposesTheWholePropagation()
    {
        var b = Budget("", "");

        b.PreStopSource.ShouldBe(PreStopSource.None);
        b.GracePeriodSeconds.ShouldBe(30);
        b.SigtermAtSeconds.ShouldBe(0);
        b.SigkillAtSeconds.ShouldBe(30);
        b.PropagationSeconds.ShouldBe(10);
        b.ExposureSeconds.ShouldBe(10);
        b.ExpectedFailures(100).ShouldBe(1000);
    }

    [Fact]
    public void Compute_SleepCoveringPropagation_HasNoExposure()
    {
        var b = Budget("      terminationGracePeriodSeconds: 45", "          lifecycle: {preStop: {sleep: {seconds: 15}}}");

        b.SigtermAtSeconds.ShouldBe(15);
        b.ExposureSeconds.ShouldBe(0);
        b.RequiredGraceSeconds.ShouldBe(45);
        b.DrainWindowSeconds.ShouldBe(30);
    }

    [Fact]
    public void Compute_PreStopOutlastingGrace_GetsTheKubeletsTwoSecondExtension()
    {
        var b = Budget("      terminationGracePeriodSeconds: 20", "          lifecycle: {preStop: {exec: {command: [sh, -c, 'sleep 25']}}}");

        b.PreStopSource.ShouldBe(PreStopSource.ExecSleep);
        b.PreStopOutlastsGrace.ShouldBeTrue();
        b.SigtermAtSeconds.ShouldBe(20);
        b.SigkillAtSeconds.ShouldBe(22);
    }

    [Fact]
    public void Compute_InAppDelay_CountsTowardsStopListening()
    {
        var b = Budget("", "", "{handoff.dev/shutdown-delay-seconds: '6', handoff.dev/drain-seconds: '15s'}");

        b.SigtermAtSeconds.ShouldBe(0);
        b.StopListeningSeconds.ShouldBe(6);
        b.ExposureSeconds.ShouldBe(4);
        b.DrainDeclared.ShouldBeTrue();
        b.DrainSeconds.ShouldBe(15);
    }

    [Fact]
    public void Compute_HttpGetPreStop_IsUnknownUnlessDeclared()
    {
        Budget("", "          lifecycle: {preStop: {httpGet: {path: /handoff/prestop, port: 8080}}}").PreStopSource.ShouldBe(PreStopSource.Unknown);
        var declared = Budget("", "          lifecycle: {preStop: {httpGet: {path: /handoff/prestop, port: 8080}}}", "{handoff.dev/prestop-seconds: '12'}");
        declared.PreStopSource.ShouldBe(PreStopSource.Declared);
        declared.PreStopSeconds.ShouldBe(12);
    }

    [Theory]
    [InlineData(new[] { "sleep", "10" }, 10)]
    [InlineData(new[] { "/bin/sleep", "7" }, 7)]
    [InlineData(new[] { "/bin/sh", "-c", "sleep 15 && nginx -s quit" }, 15)]
    [InlineData(new[] { "sh", "-c", "sleep 2m" }, 120)]
    [InlineData(new[] { "sh", "-c", "sleep 1.5" }, 1.5)]
    public void ExecSleepSeconds_FindsTheSleep(string[] command, double expected) =>
        TimeBudget.ExecSleepSeconds(command).ShouldBe(expected);

    [Theory]
    [InlineData("/app/drain")]
    [InlineData("sh", "-c", "nosleep 10")]
    [InlineData]
    public void ExecSleepSeconds_NoSleep_IsNull(params string[] command) => TimeBudget.ExecSleepSeconds(command).ShouldBeNull();

    [Theory]
    [InlineData("1.29", false, false)]
    [InlineData("1.30", true, false)]
    [InlineData("v1.33.2", true, true)]
    public void KubernetesVersion_Features(string text, bool sleep, bool zero)
    {
        KubernetesVersion.TryParse(text, out var v).ShouldBeTrue();
        v.HasSleepAction.ShouldBe(sleep);
        v.AllowsZeroSleep.ShouldBe(zero);
    }

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1")]
    public void KubernetesVersion_Garbage_IsRejected(string text) => KubernetesVersion.TryParse(text, out _).ShouldBeFalse();
}
