using System.Text.Json;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Manifests;
using static Handoff.Analysis.Tests.Fixes.FixTestHelpers;

namespace Handoff.Analysis.Tests.Fixes;

/// <summary>fix and explain agree with check (issue 13.10): no fix brings a finding that was not there, no number is invented.</summary>
public sealed class FixAgreesWithCheckTests
{
    private static string Web(string podSpecExtra, string strategy = "", string preStop = "lifecycle: {preStop: {sleep: {seconds: 40}}}") => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          minReadySeconds: 5
        {{strategy}}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
        {{podSpecExtra}}
              containers:
              - name: web
                image: example/web:1
                ports:
                - containerPort: 8080
                {{preStop}}
        """ + "\n" + Service;

    [Fact]
    public void Run_GraceNeededAboveTheAlbIdleTimeout_CapsItBelowTheTimeoutAndBringsNoHO106()
    {
        // aws-alb: preStop 40 s + drain 20 s + buffer 10 s = 70 s, above the ALB's default idle timeout of 60 s.
        var text = Web("      terminationGracePeriodSeconds: 30");

        var result = Fix(text, profile: "aws-alb");

        result.Before.Findings.Select(f => f.RuleId).ShouldNotContain("HO106");
        result.Files[0].Text.ShouldContain("terminationGracePeriodSeconds: 59");
        result.Applied.ShouldContain(f => f.Description.Contains("capped 1 s below the ALB idle timeout of 60 s", StringComparison.Ordinal));
        result.After.Findings.Select(f => f.RuleId).ShouldNotContain("HO106");
        result.After.Findings.Select(f => f.RuleId).ShouldNotContain("HO105");
        result.Applied.Single(f => f.RuleIds.Contains("HO104")).IsPartial.ShouldBeTrue();
        result.Unresolved.ShouldBeEmpty("a capped grace period leaves HO104 on purpose; it is not a fixer's mistake");
    }

    [Fact]
    public void Run_GraceAlreadyJustBelowTheIdleTimeout_AdvisesRaisingTheIdleTimeout()
    {
        var result = Fix(Web("      terminationGracePeriodSeconds: 59"), profile: "aws-alb");

        result.Files[0].Text.ShouldContain("terminationGracePeriodSeconds: 59");
        result.Files[0].Text.ShouldNotContain("terminationGracePeriodSeconds: 70");
        result.Advice.ShouldContain(f => f.RuleId == "HO104" && f.Description.Contains("raise idle_timeout.timeout_seconds", StringComparison.Ordinal));
        result.After.Findings.Select(f => f.RuleId).ShouldNotContain("HO106");
    }

    private const string Claim = """

        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: uploads
        spec:
          accessModes: [MODE]
          resources:
            requests:
              storage: 10Gi

        """;

    private static string Recreate(string mode) =>
        Web("      volumes:\n      - name: uploads\n        persistentVolumeClaim:\n          claimName: uploads\n      terminationGracePeriodSeconds: 45",
            "  strategy:\n    type: Recreate", "lifecycle: {preStop: {sleep: {seconds: 10}}}") + Claim.Replace("MODE", mode, StringComparison.Ordinal);

    [Theory]
    [InlineData("ReadWriteOnce")]
    [InlineData("ReadWriteOncePod")]
    public void Run_RecreateWithASingleNodeClaim_AdvisesAndKeepsRecreate(string mode)
    {
        var result = Fix(Recreate(mode));

        result.Files[0].Text.ShouldContain("type: Recreate");
        result.Advice.ShouldContain(f => f.RuleId == "HO201" && f.Description.Contains($"PersistentVolumeClaim 'uploads', whose access mode is {mode}", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_RecreateWithAClaimTheInputDoesNotHold_AdvisesToo()
    {
        var text = Recreate("ReadWriteOnce");
        text = text[..text.IndexOf("---\napiVersion: v1\nkind: PersistentVolumeClaim", StringComparison.Ordinal)];

        var result = Fix(text);

        result.Files[0].Text.ShouldContain("type: Recreate");
        result.Advice.ShouldContain(f => f.RuleId == "HO201" && f.Description.Contains("which the input does not hold", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_RecreateWithAReadWriteManyClaim_SwitchesToRollingUpdate()
    {
        var result = Fix(Recreate("ReadWriteMany"));

        result.Files[0].Text.ShouldContain("type: RollingUpdate");
        result.After.Findings.Select(f => f.RuleId).ShouldNotContain("HO201");
    }

    [Fact]
    public void Explain_PreStopOfUnknownLength_HasNoExposureAndNoFailureCount()
    {
        var text = Web("      terminationGracePeriodSeconds: 60", preStop: "lifecycle: {preStop: {exec: {command: [/bin/sh, -c, /scripts/drain.sh]}}}");

        var timeline = WorkloadTimeline.FromAnalysis(Analyzer.Analyze(ManifestSet.FromText(text)), 100, podStartSeconds: 10).Single();

        timeline.ExposureKnown.ShouldBeFalse();
        using var stream = new MemoryStream();
        TimelineJson.Write([timeline], stream);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var w = doc.RootElement.GetProperty("workloads")[0];
        w.GetProperty("preStopSource").GetString().ShouldBe("Unknown");
        w.GetProperty("exposureSeconds").ValueKind.ShouldBe(JsonValueKind.Null);
        w.GetProperty("expectedFailedRequests").ValueKind.ShouldBe(JsonValueKind.Null);
        TimelineSvg.Create([timeline]).ToString().ShouldContain("exposure unknown");
    }
}
