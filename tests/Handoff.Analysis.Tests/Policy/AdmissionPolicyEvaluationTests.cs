using System.Text.Json;
using Handoff.Analysis.Fixes.Patches;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Policy;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Tests.Rules;
using Handoff.Analysis.Timing;
using Xunit.Abstractions;

namespace Handoff.Analysis.Tests.Policy;

/// <summary>
/// Proves the generated admission policy offline: every expression runs in a real, independent CEL implementation
/// (@bufbuild/cel, in a real 'node' child process; tests/policy-eval/evaluate.mjs binds object, params and lazy
/// variables as the API server does), and for every rule fixture of the covered rules and every sample under
/// samples/deploy and every tree under tests/fixtures/field the policy's verdict per rule and object equals check's. Where the two must differ (admission sees one
/// object, so "serving" comes from the container ports, not from a Service), the difference is listed with its reason in
/// tests/policy-eval/known-differences.txt; the test fails on any unlisted difference and on any listed one that is gone.
/// </summary>
public sealed class AdmissionPolicyEvaluationTests(ITestOutputHelper output)
{
    private static readonly string[] WorkloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static string EvalDir => PolicyEvaluator.Dir;

    [Fact]
    public void EveryFixtureAndSample_PolicyVerdictPerRule_EqualsCheck()
    {
        var covered = AdmissionRules.All.Select(r => r.Descriptor.Id).ToHashSet(StringComparer.Ordinal);
        var files = covered.Order(StringComparer.Ordinal)
            .SelectMany(id => Directory.EnumerateFiles(Path.Combine(RepoPaths.Fixtures, "rules", id)))
            .Where(f => Path.GetFileName(f) is var n && (n.StartsWith("fire-", StringComparison.Ordinal) || n.StartsWith("ok-", StringComparison.Ordinal)) && (n.EndsWith(".yaml", StringComparison.Ordinal) || n.EndsWith(".yml", StringComparison.Ordinal)))
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Samples, "deploy"), "*.yaml").Order(StringComparer.Ordinal))

            // Workloads written for the policy's own edge cases (shell preStops, rounding, StatefulSet, DaemonSet, exporter).
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoPaths.Fixtures, "policy", "workloads"), "*.yaml").Order(StringComparer.Ordinal))

            // Field-style trees (Helm output, kustomize, operators, exporters), each checked as one set as a user runs check on it.
            .Concat(Directory.EnumerateDirectories(Path.Combine(RepoPaths.Fixtures, "field")).Order(StringComparer.Ordinal))
            .ToList();
        files.Count.ShouldBeGreaterThanOrEqualTo(30, "the fixtures of the covered rules and the samples");

        var cases = new List<Case>();
        foreach (var file in files)
        {
            var options = RuleFixtureTests.ReadOptions(Directory.Exists(file) ? null : file);
            var manifests = ManifestSet.Load([file]);
            var result = Analyzer.Analyze(manifests, options);
            result.Errors.ShouldBeEmpty(file);
            var profile = options.Profile is { } id ? options.Profiles.Find(id)! : result.Profile.Profile;
            foreach (var obj in manifests.Objects.Where(o => WorkloadKinds.Contains(o.Kind)))
            {
                // Check infers the profile per workload (an Ingress class, a cloud annotation); the policy for that
                // workload's cluster is generated for the same profile, as its admin would with --profile.
                var parameters = PolicyParameters.Of(result.Budgets.FirstOrDefault(b => ReferenceEquals(b.Workload.Object, obj))?.Profile.Profile ?? profile, options.Timing);
                // Two objects may share a ref (a tree whose namespaces are left to 'kubectl apply -n'); the file tells them apart.
                var fired = result.Findings.Where(f => f.Object == obj.Ref && f.Location.File == obj.File.Path && covered.Contains(f.Rule.Id))
                    .GroupBy(f => f.Rule.Id, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Select(f => AdmissionPolicy.NameOf(f.Severity)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
                cases.Add(new Case($"{Relative(obj.File.Path)}:{obj.LocationOf().Line} {obj.Kind}/{obj.Name}", obj, parameters, fired));
            }
        }

        cases.Count.ShouldBeGreaterThanOrEqualTo(30);
        var differences = new List<string>();
        var agreements = 0;
        foreach (var group in cases.GroupBy(c => c.Parameters))
        {
            var policy = AdmissionPolicy.Render(new AdmissionPolicyOptions(group.Key, KubernetesVersion.Default));
            var rows = Evaluate(policy, group.ToList());
            foreach (var c in group)
            {
                var verdicts = rows.Where(r => r.Id == c.Id).ToList();
                verdicts.Select(r => r.Rule).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ShouldBe(covered.Order(StringComparer.Ordinal), $"{c.Id}: every covered rule is evaluated");
                verdicts.Count.ShouldBe(AdmissionRules.All.Count, $"{c.Id}: every validation is evaluated once");
                foreach (var rule in verdicts.GroupBy(r => r.Rule, StringComparer.Ordinal))
                {
                    var failed = rule.Where(r => r.Passed == false).ToList();
                    foreach (var row in rule)
                    {
                        row.Error.ShouldBeNull($"{c.Id} {row.Rule} ({row.Policy}): the CEL failed to evaluate");
                    }

                    foreach (var row in failed)
                    {
                        row.Message.ShouldNotBeNullOrWhiteSpace();
                        row.Message!.ShouldContain($"({row.Rule}).");
                        row.Message.ShouldStartWith($"{c.Object.Kind} {c.Object.Namespace}/{c.Object.Name}: ");
                    }

                    // The verdict, then the severity: the policy a failing validation sits in is the action check's severity maps to.
                    var policyFires = failed.Count > 0;
                    var checkFires = c.Fired.TryGetValue(rule.Key, out var checkSeverities);
                    if (policyFires != checkFires)
                    {
                        differences.Add($"{c.Id} {rule.Key} {(policyFires ? "policy-only" : "check-only")}");
                    }
                    else if (policyFires && !failed.Select(r => r.Policy).ToHashSet(StringComparer.Ordinal).SetEquals(checkSeverities!))
                    {
                        differences.Add($"{c.Id} {rule.Key} severity policy:{string.Join('+', failed.Select(r => r.Policy).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))} check:{string.Join('+', checkSeverities!.Order(StringComparer.Ordinal))}");
                    }
                    else
                    {
                        agreements++;
                    }
                }
            }
        }

        output.WriteLine($"{cases.Count} objects from {files.Count} files; {agreements} verdicts agree, {differences.Count} differ (listed).");
        foreach (var d in differences)
        {
            output.WriteLine("  " + d);
        }

        var known = File.ReadAllLines(Path.Combine(EvalDir, "known-differences.txt"))
            .Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToList();
        differences.Order(StringComparer.Ordinal).ToList().ShouldBe(known, "policy and check disagree where known-differences.txt does not say why (or a listed difference is gone)");
        agreements.ShouldBeGreaterThan(differences.Count * 10);
    }

    [Fact]
    public void IgnoreAnnotation_OnPodTemplate_SilencesTheRuleInThePolicy()
    {
        var fixture = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "rules", "HO101", "fire-no-prestop.yaml"));
        var ignored = fixture.Replace("    metadata:\n      labels:", "    metadata:\n      annotations:\n        handoff.dev/ignore: \"prestop-missing, HO301\"\n      labels:", StringComparison.Ordinal);
        ignored.ShouldNotBe(fixture, "the fixture has a pod template metadata block to annotate");
        var before = Verdicts(fixture);
        var after = Verdicts(ignored);

        before["HO101"].ShouldBeFalse();
        after["HO101"].ShouldBeTrue("ignored by name");
        after.Where(v => v.Key != "HO101").ShouldBe(before.Where(v => v.Key != "HO101"), "other rules are untouched (HO301 passes here anyway)");
        Analyzer.Analyze(ManifestSet.FromText(ignored)).Findings.ShouldNotContain(f => f.Rule.Id == "HO101", "check honours the same annotation");
    }

    [Fact]
    public void ChangedParameter_ChangesTheVerdictWithoutRegenerating()
    {
        // HO104 on a 45 s grace period with a 10 s preStop: S + D + B = 10 + 20 + 10 = 40 s passes; a 30 s drain in the
        // ConfigMap (an admin's edit) makes it 50 s and fails, with the same policy text.
        var fixture = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "rules", "HO202", "fire-default-four-replicas.yaml"));
        var policy = AdmissionPolicy.Render(new AdmissionPolicyOptions(PolicyParameters.Of(ProfileCatalog.BuiltIn.Default), KubernetesVersion.Default));
        var edited = policy.Replace("drainSeconds: \"20\"", "drainSeconds: \"30\"", StringComparison.Ordinal);
        edited.ShouldNotBe(policy);
        var obj = ManifestSet.FromText(fixture).Objects.First(o => o.Kind == "Deployment");
        var cases = new List<Case> { new("web", obj, PolicyParameters.Of(ProfileCatalog.BuiltIn.Default), NothingFired) };

        Evaluate(policy, cases).Single(r => r.Rule == "HO104").Passed.ShouldBe(true);
        var failed = Evaluate(edited, cases).Single(r => r.Rule == "HO104");
        failed.Passed.ShouldBe(false);
        failed.Message.ShouldBe("Deployment shop/web: terminationGracePeriodSeconds is 45 s but needs S + D + B = 50 s (preStop and delay 10 s, drain 30 s, buffer 10 s) (HO104).");
    }

    [Fact]
    public void MeasuredPropagation_MakesHO102AnErrorInThePolicy_AsCheckReportsIt()
    {
        // A 3 s preStop sleep against P: check reports a warning with the profile's 10 s and an error with a measured
        // 12 s ('.handoff.yaml' propagation); the policy generated from the same inputs fails HO102 in the same severity.
        var fixture = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "rules", "HO102", "fire-short-sleep.yaml"));
        var obj = ManifestSet.FromText(fixture).Objects.First(o => o.Kind == "Deployment");
        var measured = new Handoff.Analysis.Configuration.TimingSettings { Propagation = new Handoff.Analysis.Configuration.Setting<Latency>(new Latency(12, 12), Handoff.Analysis.Configuration.ValueOrigin.FromConfigFile(".handoff.yaml", 1, 14)) };
        foreach (var (timing, severity) in new[] { (Handoff.Analysis.Configuration.TimingSettings.None, Severity.Warning), (measured, Severity.Error) })
        {
            var check = Analyzer.Analyze(ManifestSet.FromText(fixture), new AnalysisOptions { Timing = timing }).Findings.Single(f => f.Rule.Id == "HO102");
            check.Severity.ShouldBe(severity);

            var parameters = PolicyParameters.Of(ProfileCatalog.BuiltIn.Default, timing);
            var rows = Evaluate(AdmissionPolicy.Render(new AdmissionPolicyOptions(parameters, KubernetesVersion.Default)), [new Case("web", obj, parameters, NothingFired)]);
            var failed = rows.Where(r => r.Rule == "HO102" && r.Passed == false).ShouldHaveSingleItem();
            failed.Policy.ShouldBe(AdmissionPolicy.NameOf(severity));
            failed.Message.ShouldBe($"Deployment shop/web: container 'web' stops taking requests 3 s after termination starts, but endpoints propagate for up to {parameters.PropagationSeconds} s ({(timing == measured ? "your measured propagation" : "profile 'kube-proxy-small'")}): requests can fail for {parameters.PropagationSeconds - 3} s; raise the preStop sleep to at least {parameters.PropagationSeconds} s (HO102).");
        }
    }

    private Dictionary<string, bool> Verdicts(string yaml)
    {
        var obj = ManifestSet.FromText(yaml).Objects.First(o => WorkloadKinds.Contains(o.Kind));
        var policy = AdmissionPolicy.Render(new AdmissionPolicyOptions(PolicyParameters.Of(ProfileCatalog.BuiltIn.Default), KubernetesVersion.Default));
        var rows = Evaluate(policy, [new Case("x", obj, PolicyParameters.Of(ProfileCatalog.BuiltIn.Default), NothingFired)]);
        rows.ShouldAllBe(r => r.Error == null);
        return rows.GroupBy(r => r.Rule, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.All(r => r.Passed!.Value), StringComparer.Ordinal);
    }

    /// <summary>Runs evaluate.mjs on the policy text (<see cref="PolicyEvaluator"/>).</summary>
    private List<Row> Evaluate(string policyYaml, IReadOnlyList<Case> cases)
    {
        var rows = JsonSerializer.Deserialize<List<Row>>(PolicyEvaluator.Run(policyYaml, cases.Select(c => (c.Id, c.Object))), JsonOptions)!;
        output.WriteLine($"evaluated {rows.Count} validations on {cases.Count} objects");
        return rows;
    }

    private static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/');

    private static readonly Dictionary<string, HashSet<string>> NothingFired = new(StringComparer.Ordinal);

    /// <summary>One workload, the parameters its policy is generated with, and check's findings: rule id to the policies (severities) they map to.</summary>
    private sealed record Case(string Id, KubeObject Object, PolicyParameters Parameters, IReadOnlyDictionary<string, HashSet<string>> Fired);

    private sealed record Row(string Id, string Policy, string Rule, bool? Passed, string? Message, string? Error);
}
