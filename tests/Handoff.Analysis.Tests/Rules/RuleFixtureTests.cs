using System.Text.RegularExpressions;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Reporting;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Rules;

/// <summary>
/// Runs every fixture under tests/fixtures/rules/&lt;ID&gt;/: 'fire-*' must produce exactly the findings of that rule
/// listed in '&lt;name&gt;.expected' ("HO104 error 22:7", or "HO401 error Dockerfile:3:1" for a directory fixture);
/// 'ok-*' must produce none of that rule. A first line '# handoff: --profile P --k8s-version V' sets options.
/// </summary>
public sealed partial class RuleFixtureTests
{
    private static string RulesDir => Path.Combine(RepoPaths.Fixtures, "rules");

    public static TheoryData<string, string> Fixtures()
    {
        var data = new TheoryData<string, string>();
        foreach (var ruleDir in Directory.GetDirectories(RulesDir).Order(StringComparer.Ordinal))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(ruleDir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(entry);
                if ((name.StartsWith("fire-", StringComparison.Ordinal) || name.StartsWith("ok-", StringComparison.Ordinal))
                    && !name.EndsWith(".expected", StringComparison.Ordinal))
                {
                    data.Add(Path.GetFileName(ruleDir), name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_ProducesExactlyTheExpectedFindingsOfItsRule(string ruleId, string fixture)
    {
        var path = Path.Combine(RulesDir, ruleId, fixture);
        var isDirectory = Directory.Exists(path);
        var options = ReadOptions(isDirectory ? Directory.EnumerateFiles(path, "*.yaml", SearchOption.AllDirectories).FirstOrDefault() : path);

        var result = Analyzer.Analyze(ManifestSet.Load([path]), options);

        result.Errors.ShouldBeEmpty($"fixture {ruleId}/{fixture} has input errors: {string.Join("; ", result.Errors)}");
        var actual = result.Findings.Where(f => f.Rule.Id == ruleId)
            .Select(f => Describe(f, isDirectory ? path : null))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (fixture.StartsWith("ok-", StringComparison.Ordinal))
        {
            actual.ShouldBeEmpty($"{ruleId}/{fixture} is an ok fixture");
            return;
        }

        var expectedFile = Path.Combine(RulesDir, ruleId, StripExtension(fixture) + ".expected");
        File.Exists(expectedFile).ShouldBeTrue($"{expectedFile} is missing");
        var expected = File.ReadAllLines(expectedFile).Where(l => l.Trim().Length > 0).Select(l => l.Trim()).Order(StringComparer.Ordinal).ToList();
        expected.ShouldNotBeEmpty();
        actual.ShouldBe(expected, $"{ruleId}/{fixture}");
    }

    [Fact]
    public void EveryRule_HasFiringAndPassingFixtures()
    {
        foreach (var rule in RuleCatalog.All)
        {
            var dir = Path.Combine(RulesDir, rule.Descriptor.Id);
            Directory.Exists(dir).ShouldBeTrue($"rule {rule.Descriptor.Id} has no fixture folder");
            var names = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).ToList();
            names.ShouldContain(n => n!.StartsWith("fire-", StringComparison.Ordinal), $"rule {rule.Descriptor.Id} has no fire-* fixture");
            names.ShouldContain(n => n!.StartsWith("ok-", StringComparison.Ordinal), $"rule {rule.Descriptor.Id} has no ok-* fixture");
        }
    }

    [Fact]
    public void EveryFixtureFolder_BelongsToARule()
    {
        foreach (var dir in Directory.GetDirectories(RulesDir))
        {
            RuleCatalog.Find(Path.GetFileName(dir)).ShouldNotBeNull($"fixture folder {dir} names no rule");
        }
    }

    [Fact]
    public void EveryDescriptor_IsComplete()
    {
        RuleCatalog.All.Count.ShouldBeGreaterThanOrEqualTo(17);
        foreach (var d in RuleCatalog.All.Select(r => r.Descriptor))
        {
            IdPattern().IsMatch(d.Id).ShouldBeTrue(d.Id);
            NamePattern().IsMatch(d.Name).ShouldBeTrue($"{d.Id} name '{d.Name}' is not kebab-case");
            d.Summary.ShouldEndWith(".", customMessage: $"{d.Id} summary");
            d.Remediation.ShouldEndWith(".", customMessage: $"{d.Id} remediation");
            d.Sources.ShouldNotBeEmpty($"{d.Id} cites no source");
            d.Category.ShouldBeOneOf("Timing", "Rollout", "Probes", "Image", "Provider", "Network");
        }

        RuleCatalog.All.Select(r => r.Descriptor.Name).ShouldBeUnique();
    }

    [Fact]
    public void RulesMarkdown_MatchesTheCheckedInDocs()
    {
        var checkedIn = File.ReadAllText(Path.Combine(RepoPaths.Docs, "rules.md"));
        checkedIn.ShouldBe(RulesMarkdown.Generate(), "docs/rules.md is stale: run 'dotnet run --project src/Handoff.Cli -- rules --format markdown > docs/rules.md'");
    }

    private static string Describe(Finding f, string? directory)
    {
        var where = directory is null ? string.Empty : Path.GetRelativePath(directory, f.Location.File).Replace('\\', '/') + ":";
        return $"{f.Rule.Id} {JsonReport.SeverityName(f.Severity)} {where}{f.Location.Line}:{f.Location.Column}";
    }

    private static string StripExtension(string name) => Directory.Exists(Path.Combine(RulesDir, name)) ? name
        : name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal) || name.EndsWith(".Dockerfile", StringComparison.Ordinal)
            ? Path.GetFileNameWithoutExtension(name) : name;

    internal static AnalysisOptions ReadOptions(string? file)
    {
        var options = new AnalysisOptions();
        if (file is null)
        {
            return options;
        }

        var first = File.ReadLines(file).FirstOrDefault() ?? string.Empty;
        if (!first.StartsWith("# handoff:", StringComparison.Ordinal))
        {
            return options;
        }

        var words = first["# handoff:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < words.Length; i += 2)
        {
            options = words[i] switch
            {
                "--profile" => options with { Profile = words[i + 1] },
                "--k8s-version" when KubernetesVersion.TryParse(words[i + 1], out var v) => options with { Version = v },
                _ => throw new InvalidOperationException($"Unknown fixture option '{words[i]}' in {file}."),
            };
        }

        return options;
    }

    [GeneratedRegex("^HO[1-9][0-9]{2}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
