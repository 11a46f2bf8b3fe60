using Handoff.Analysis.Fixes;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Rules;

/// <summary>
/// Completeness checks beside the fixture ones (<see cref="RuleFixtureTests"/>): rules and fixers name each other
/// both ways, supersessions name real rules, and every profile is in force in some rule fixture.
/// </summary>
public sealed class CompletenessTests
{
    [Fact]
    public void EveryFixableRule_HasItsFixer()
    {
        var fixers = FixPlanner.Fixers.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var d in RuleCatalog.All.Select(r => r.Descriptor).Where(d => d.Fixer is not null))
        {
            fixers.ShouldContainKey(d.Fixer!, $"{d.Id} names fixer '{d.Fixer}', which FixPlanner does not run");
            fixers[d.Fixer!].RuleIds.ShouldContain(d.Id);
        }
    }

    [Fact]
    public void EveryFixer_FixesRulesThatExistAndDeclareIt()
    {
        FixPlanner.Fixers.Select(f => f.Name).ShouldBeUnique();
        foreach (var fixer in FixPlanner.Fixers)
        {
            fixer.RuleIds.ShouldNotBeEmpty($"fixer '{fixer.Name}' fixes no rule");
            foreach (var id in fixer.RuleIds)
            {
                var rule = RuleCatalog.Find(id);
                rule.ShouldNotBeNull($"fixer '{fixer.Name}' names rule {id}, which does not exist");
                rule.Descriptor.Fixer.ShouldBe(fixer.Name, $"fixer '{fixer.Name}' handles {id}, which does not declare it");
            }
        }

        FixPlanner.FixableRules.ShouldBe(RuleCatalog.All.Where(r => r.Descriptor.Fixer is not null).Select(r => r.Descriptor.Id), ignoreOrder: true);
    }

    [Fact]
    public void EverySupersession_NamesAnotherRuleAndSaysWhy()
    {
        foreach (var d in RuleCatalog.All.Select(r => r.Descriptor))
        {
            foreach (var s in d.SupersededBy)
            {
                RuleCatalog.Find(s.RuleId).ShouldNotBeNull($"{d.Id} is superseded by {s.RuleId}, which does not exist");
                s.RuleId.ShouldNotBe(d.Id);
                s.Reason.ShouldEndWith(".", customMessage: $"{d.Id}'s supersession by {s.RuleId}");
                RuleCatalog.Find(s.RuleId)!.Descriptor.SupersededBy.ShouldNotContain(x => x.RuleId == d.Id, $"{d.Id} and {s.RuleId} supersede each other");
            }
        }
    }

    [Fact]
    public void EveryFinding_OfAFixableRule_CarriesAViolation()
    {
        // The fixers read the violation; a fixable rule that reports only a message cannot be fixed.
        var fixable = FixPlanner.FixableRules;
        var findings = AllFixtureResults().SelectMany(r => r.Findings).Where(f => fixable.Contains(f.RuleId)).ToList();
        findings.Select(f => f.RuleId).Distinct().Count().ShouldBe(fixable.Count, "every fixable rule fires in some fixture");
        foreach (var finding in findings)
        {
            finding.Violation.ShouldNotBeNull($"{finding.RuleId} at {finding.Location} has no violation");
            finding.Message.ShouldBe(Messages.Render(finding.Violation!));
        }
    }

    [Fact]
    public void EveryFinding_OfEveryRule_IsRenderedFromItsViolation()
    {
        // No rule writes its message itself: the message, the fixer and the policy all read the same violation.
        var findings = AllFixtureResults().SelectMany(r => r.Findings).ToList();
        findings.Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal).ShouldBe(RuleCatalog.All.Select(r => r.Descriptor.Id), ignoreOrder: true);
        foreach (var finding in findings)
        {
            finding.Violation.ShouldNotBeNull($"{finding.RuleId} at {finding.Location} has no violation");
            finding.Violation!.Rule.ShouldBe(finding.Rule);
            finding.Message.ShouldBe(Messages.Render(finding.Violation));
            finding.Severity.ShouldBe(finding.Violation.EffectiveSeverity);
        }
    }

    [Fact]
    public void EveryProfile_IsInForceInSomeRuleFixture_AndCitesItsNumbers()
    {
        // Rule fixtures, and the data-plane fixtures that infer the L4 and DNS profiles (tests/fixtures/providers).
        var providers = Analyzer.Analyze(ManifestSet.Load([Path.Combine(RepoPaths.Fixtures, "providers")]));
        var inForce = AllFixtureResults().Append(providers).SelectMany(r => r.Budgets).Select(b => b.Profile.Profile.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var profile in ProfileCatalog.BuiltIn.Profiles)
        {
            inForce.ShouldContain(profile.Id, $"no rule or provider fixture runs with profile '{profile.Id}' (name it with '# handoff: --profile {profile.Id}' or let a fixture infer it)");
            profile.Summary.ShouldEndWith(".", customMessage: $"profile {profile.Id} summary");
            profile.Sources.ShouldNotBeEmpty($"profile {profile.Id} cites no source");
            profile.Planes.ShouldNotBeEmpty($"profile {profile.Id} has no data plane");
            profile.Planes.ShouldAllBe(p => p.Source.Length > 0 && p.PropagationSeconds >= 0, $"profile {profile.Id}");
        }
    }

    private static List<AnalysisResult> AllFixtureResults()
    {
        var results = new List<AnalysisResult>();
        foreach (var row in RuleFixtureTests.Fixtures())
        {
            var (ruleId, fixture) = ((string)row[0], (string)row[1]);
            var path = Path.Combine(RepoPaths.Fixtures, "rules", ruleId, fixture);
            var options = RuleFixtureTests.ReadOptions(Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.yaml", SearchOption.AllDirectories).FirstOrDefault() : path);
            results.Add(Analyzer.Analyze(ManifestSet.Load([path]), options));
        }

        return results;
    }
}
