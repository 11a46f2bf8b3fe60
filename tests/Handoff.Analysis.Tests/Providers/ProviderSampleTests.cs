using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Tests.Providers;

/// <summary>
/// Each provider sample under samples/deploy/ passes 'check' in its recommended form, and breaking one setting
/// in its text makes exactly the matching rule fire (issue 5, point 5).
/// </summary>
public sealed class ProviderSampleTests
{
    public static TheoryData<string, string> Samples() => new()
    {
        { "gke-ingress.yaml", "gke-neg" },
        { "gke-gateway.yaml", "gke-neg" },
        { "aws-alb.yaml", "aws-alb" },
        { "alibaba-alb.yaml", "alibaba-alb" },
    };

    public static TheoryData<string, string, string, string> Breakages() => new()
    {
        // One number each.
        { "gke-ingress.yaml", "drainingTimeoutSec: 30", "drainingTimeoutSec: 60", "HO108" },
        { "gke-gateway.yaml", "drainingTimeoutSec: 30", "drainingTimeoutSec: 45", "HO108" },
        { "aws-alb.yaml", "idle_timeout.timeout_seconds=120", "idle_timeout.timeout_seconds=60", "HO106" },
        { "alibaba-alb.yaml", "seconds: 10", "seconds: 5", "HO102" },

        // And the other provider settings the samples carry.
        { "gke-ingress.yaml", "  connectionDraining:\n    drainingTimeoutSec: 30\n", string.Empty, "HO107" },
        { "gke-gateway.yaml", "requestPath: /healthz/ready", "requestPath: /", "HO109" },
        { "gke-ingress.yaml", "requestPath: /healthz/ready", "requestPath: /healthz", "HO109" },
        { "aws-alb.yaml", "healthcheck-path: /healthz/ready", "healthcheck-path: /", "HO501" },
        { "alibaba-alb.yaml", "healthcheck-path: /healthz/ready", "healthcheck-path: /status", "HO501" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Check_RecommendedProviderSample_PassesWithItsInferredProfile(string sample, string profile)
    {
        var result = Analyze(File.ReadAllText(SamplePath(sample)), sample);

        result.Errors.ShouldBeEmpty();
        result.Profile.Profile.Id.ShouldBe(profile);
        result.Profile.Reason.ShouldContain("'shop-");
        result.Findings.Where(f => f.Severity >= Severity.Warning).Select(f => $"{f.RuleId} {f.Message}").ShouldBeEmpty();
        result.Model.Workloads.ShouldHaveSingleItem().IsServing.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Check_ProviderSampleWithOneSettingBroken_FiresTheMatchingRule(string sample, string from, string to, string ruleId)
    {
        var text = File.ReadAllText(SamplePath(sample));
        Occurrences(text, from).ShouldBe(1, $"'{from}' must occur once in {sample}");

        var result = Analyze(text.Replace(from, to, StringComparison.Ordinal), sample);

        result.Errors.ShouldBeEmpty();
        result.Findings.Where(f => f.Severity >= Severity.Warning).Select(f => f.RuleId).Distinct().ShouldBe([ruleId]);
    }

    private static AnalysisResult Analyze(string text, string name) => Analyzer.Analyze(ManifestSet.FromText(text, "samples/deploy/" + name));

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    internal static string SamplePath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Handoff.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "samples", "deploy", name);
    }
}
