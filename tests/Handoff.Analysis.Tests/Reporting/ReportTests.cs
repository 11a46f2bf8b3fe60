using System.Text.Json;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Reporting;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Tests.Reporting;

public sealed class ReportTests
{
    private static AnalysisResult Naive() =>
        Analyzer.Analyze(ManifestSet.Load([Path.Combine(RepoPaths.Samples, "deploy", "naive.yaml")]));

    [Fact]
    public void Json_HasTheContractShape()
    {
        var result = Naive();

        using var doc = JsonDocument.Parse(JsonReport.ToJson(result));

        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["findings", "errors", "notes", "workloads", "summary"]);
        var workload = root.GetProperty("workloads").EnumerateArray().Single();
        workload.GetProperty("name").GetString().ShouldBe("frontend");
        workload.GetProperty("serving").GetBoolean().ShouldBeTrue();
        workload.GetProperty("servingReason").GetString().ShouldBe("serving: ClusterIP Service 'frontend' port http");
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        findings.Count.ShouldBe(result.Findings.Count);
        var ho101 = findings.Single(f => f.GetProperty("ruleId").GetString() == "HO101");
        ho101.GetProperty("severity").GetString().ShouldBe("error");
        ho101.GetProperty("file").GetString()!.ShouldEndWith("naive.yaml");
        ho101.GetProperty("line").GetInt32().ShouldBeGreaterThan(0);
        ho101.GetProperty("column").GetInt32().ShouldBeGreaterThan(0);
        ho101.GetProperty("object").GetProperty("kind").GetString().ShouldBe("Deployment");
        ho101.GetProperty("object").GetProperty("namespace").GetString().ShouldBe("default");
        ho101.GetProperty("object").GetProperty("name").GetString().ShouldBe("frontend");
        ho101.GetProperty("container").GetString().ShouldBe("frontend");
        root.GetProperty("summary").GetProperty("errors").GetInt32().ShouldBe(result.Findings.Count(f => f.Severity == Severity.Error));
    }

    [Fact]
    public void Json_InputErrors_CarryFileLineAndMessage()
    {
        var result = Analyzer.Analyze(ManifestSet.FromText("a: [1,\n", "broken.yaml"));

        using var doc = JsonDocument.Parse(JsonReport.ToJson(result));

        var error = doc.RootElement.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("file").GetString().ShouldBe("broken.yaml");
        error.GetProperty("line").ValueKind.ShouldBe(JsonValueKind.Number);
        error.GetProperty("message").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Sarif_IsVersion210WithRuleHelpAndPhysicalLocations()
    {
        var result = Naive();
        using var stream = new MemoryStream();

        SarifReport.Write(result, stream, "1.2.3", RepoPaths.Root);

        using var doc = JsonDocument.Parse(stream.ToArray());
        doc.RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");
        var run = doc.RootElement.GetProperty("runs").EnumerateArray().Single();
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        rules.Count.ShouldBe(RuleCatalog.All.Count);
        rules.ShouldAllBe(r => r.GetProperty("help").GetProperty("text").GetString()!.Length > 20);
        var results = run.GetProperty("results").EnumerateArray().ToList();
        results.Count.ShouldBe(result.Findings.Count);
        foreach (var r in results)
        {
            var index = r.GetProperty("ruleIndex").GetInt32();
            rules[index].GetProperty("id").GetString().ShouldBe(r.GetProperty("ruleId").GetString());
            r.GetProperty("level").GetString().ShouldBeOneOf("error", "warning", "note");
            var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            location.GetProperty("artifactLocation").GetProperty("uri").GetString().ShouldBe("samples/deploy/naive.yaml");
            location.GetProperty("region").GetProperty("startLine").GetInt32().ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void Suppression_AnnotationAndIgnoreOption_SilenceRules()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "deploy", "naive.yaml"))
            .Replace("  labels:\n    app: frontend\nspec:", "  labels:\n    app: frontend\n  annotations:\n    handoff.dev/ignore: \"HO205, probe-on-root-path\"\nspec:", StringComparison.Ordinal);

        var result = Analyzer.Analyze(ManifestSet.FromText(text), new AnalysisOptions { Ignore = ["HO203"] });

        result.Findings.ShouldNotContain(f => f.Rule.Id == "HO205" || f.Rule.Id == "HO303" || f.Rule.Id == "HO203");
        result.Findings.ShouldContain(f => f.Rule.Id == "HO101");
        result.Suppressed.Select(f => f.Rule.Id).Distinct().Order().ShouldBe(["HO205", "HO303"]);
    }

    [Fact]
    public void Samples_NaiveFailsAndRecommendedIsClean()
    {
        Naive().Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Rule.Id).ShouldBe(["HO101"]);
        var recommended = Analyzer.Analyze(ManifestSet.Load([Path.Combine(RepoPaths.Samples, "deploy", "recommended.yaml")]));
        recommended.Errors.ShouldBeEmpty();
        recommended.Findings.ShouldBeEmpty();
    }
}
