using System.Text.Json;
using System.Text.RegularExpressions;
using Handoff.Analysis.Fixes.Patches;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Policy;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Policy;

/// <summary>
/// Checks every generated ValidatingAdmissionPolicy and binding against the facts of Kubernetes' OpenAPI schema for
/// admissionregistration.k8s.io/v1 (kept as test data in tests/fixtures/policy/admissionregistration-v1-schema-facts.json):
/// every field is one the schema declares, with its type; required fields are there; values are among the allowed ones.
/// The output is read back with Handoff's YAML reader first, so the YAML text is what is checked.
/// </summary>
public sealed class AdmissionPolicySchemaTests
{
    private static readonly JsonElement Facts = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "policy", "admissionregistration-v1-schema-facts.json"))).RootElement;

    private static readonly JsonElement MutatingFacts = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "policy", "mutatingadmissionpolicy-schema-facts.json"))).RootElement;

    public static TheoryData<string, string?, string?> Variants() => new()
    {
        { "kube-proxy-small", null, null },
        { "gke-neg", "warn", null },
        { "aws-alb", "deny", "env=prod,team notin (a,b),!legacy" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void GeneratedObjects_MatchTheOpenApiSchemaFacts(string profileId, string? action, string? selector)
    {
        var options = new AdmissionPolicyOptions(PolicyParameters.Of(ProfileCatalog.BuiltIn.Find(profileId)!), KubernetesVersion.Default)
        {
            Action = action switch { "warn" => AdmissionAction.Warn, "deny" => AdmissionAction.Deny, _ => null },
            NamespaceSelector = selector is null ? null : LabelSelectorText.Parse(selector).Selector,
        };
        var manifests = ManifestSet.FromText(AdmissionPolicy.Render(options), "policy.yaml");
        manifests.Errors.ShouldBeEmpty();
        var roots = Facts.GetProperty("roots");
        var checkedObjects = 0;
        foreach (var obj in manifests.Objects.Where(o => o.ApiVersion == "admissionregistration.k8s.io/v1"))
        {
            var problems = new List<string>();
            var node = PlainNode.From(obj.Node);
            Walk(Facts, node, roots.GetProperty(obj.Kind).GetString()!, obj.Kind, problems);
            CheckRules(Facts, obj.Kind, (PlainMap)node, problems);
            problems.ShouldBeEmpty($"{obj.Kind} {obj.Name}");
            checkedObjects++;
        }

        checkedObjects.ShouldBe(6, "three policies and three bindings");
    }

    [Fact]
    public void SchemaCheck_CatchesAnUnknownFieldAndAWrongValue()
    {
        // The check itself can fail: a misspelt field and an action the API does not know.
        var bad = ManifestSet.FromText("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: x\nspec:\n  policyName: x\n  validationAction:\n  - Deny\n  paramRef:\n    name: p\n    parameterNotFoundAction: Maybe\n");
        var problems = new List<string>();
        var node = PlainNode.From(bad.Objects[0].Node);
        Walk(Facts, node, Facts.GetProperty("roots").GetProperty("ValidatingAdmissionPolicyBinding").GetString()!, "binding", problems);
        CheckRules(Facts, "ValidatingAdmissionPolicyBinding", (PlainMap)node, problems);

        problems.ShouldContain(p => p.Contains("binding.spec.validationAction", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("Maybe", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("validationActions", StringComparison.Ordinal) && p.Contains("described as required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.34", "admissionregistration.k8s.io/v1beta1")]
    [InlineData("1.35", "admissionregistration.k8s.io/v1beta1")]
    [InlineData("1.36", "admissionregistration.k8s.io/v1")]
    [InlineData("1.37", "admissionregistration.k8s.io/v1")]
    public void MutatingPolicyAndBinding_MatchTheOpenApiSchemaFactsOfTheirVersion(string version, string apiVersion)
    {
        KubernetesVersion.TryParse(version, out var v).ShouldBeTrue();
        var options = new AdmissionPolicyOptions(PolicyParameters.Of(ProfileCatalog.BuiltIn.Default), v) { Mutate = true };
        var manifests = ManifestSet.FromText(AdmissionPolicy.Render(options), "policy.yaml");
        manifests.Errors.ShouldBeEmpty();
        var mutating = manifests.Objects.Where(o => o.Kind.StartsWith("MutatingAdmissionPolicy", StringComparison.Ordinal)).ToList();
        mutating.Select(o => o.Kind).ShouldBe(["MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"]);
        foreach (var obj in mutating)
        {
            obj.ApiVersion.ShouldBe(apiVersion);
            var problems = new List<string>();
            var node = PlainNode.From(obj.Node);
            Walk(MutatingFacts, node, MutatingFacts.GetProperty("roots").GetProperty($"{obj.ApiVersion}/{obj.Kind}").GetString()!, obj.Kind, problems);
            CheckRules(MutatingFacts, obj.Kind, (PlainMap)node, problems);
            problems.ShouldBeEmpty($"{obj.Kind} {obj.Name}");
        }

        // The validating policies stay admissionregistration.k8s.io/v1 (GA since 1.30) beside it.
        manifests.Objects.Where(o => o.Kind.StartsWith("ValidatingAdmissionPolicy", StringComparison.Ordinal)).ShouldAllBe(o => o.ApiVersion == "admissionregistration.k8s.io/v1");
    }

    [Fact]
    public void MutatingSchemaCheck_CatchesAMissingReinvocationPolicyAndAWrongPatchType()
    {
        var bad = ManifestSet.FromText("apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicy\nmetadata:\n  name: x\nspec:\n  matchConstraints: {}\n  mutations:\n  - patchType: StrategicMerge\n    applyConfiguration:\n      expression: Object{}\n");
        var problems = new List<string>();
        var node = PlainNode.From(bad.Objects[0].Node);
        Walk(MutatingFacts, node, MutatingFacts.GetProperty("roots").GetProperty("admissionregistration.k8s.io/v1/MutatingAdmissionPolicy").GetString()!, "policy", problems);
        CheckRules(MutatingFacts, "MutatingAdmissionPolicy", (PlainMap)node, problems);

        problems.ShouldContain(p => p.Contains("reinvocationPolicy", StringComparison.Ordinal) && p.Contains("described as required", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("StrategicMerge", StringComparison.Ordinal));
    }

    private static void Walk(JsonElement facts, PlainNode node, string type, string path, List<string> problems)
    {
        if (type.StartsWith("[]", StringComparison.Ordinal))
        {
            if (node is not PlainSeq seq)
            {
                problems.Add($"{path} must be a list");
                return;
            }

            for (var i = 0; i < seq.Items.Count; i++)
            {
                Walk(facts, seq.Items[i], type[2..], $"{path}[{i}]", problems);
            }

            return;
        }

        switch (type)
        {
            case "string":
                if (!IsJsonString(node))
                {
                    problems.Add($"{path} must be a string");
                }

                return;
            case "map[string]string":
                if (node is not PlainMap labels || labels.Entries.Any(e => !IsJsonString(e.Value)))
                {
                    problems.Add($"{path} must be a map of strings");
                }

                return;
        }

        if (node is not PlainMap map)
        {
            problems.Add($"{path} must be an object ({type})");
            return;
        }

        var definition = facts.GetProperty("definitions").GetProperty(type);
        var properties = definition.GetProperty("properties");
        foreach (var (key, value) in map.Entries)
        {
            if (!properties.TryGetProperty(key, out var propertyType))
            {
                problems.Add($"{path}.{key} is not a field of {type}");
                continue;
            }

            Walk(facts, value, propertyType.GetString()!, $"{path}.{key}", problems);
            if (facts.GetProperty("enums").TryGetProperty($"{type}.{key}", out var allowed))
            {
                var values = value is PlainSeq s ? s.Items.OfType<PlainScalar>().Select(i => i.Value) : value is PlainScalar one ? [one.Value] : [];
                foreach (var v in values.Where(v => !allowed.EnumerateArray().Any(a => a.GetString() == v)))
                {
                    problems.Add($"{path}.{key} is '{v}', not one of {allowed}");
                }
            }
        }

        var required = definition.GetProperty("required").EnumerateArray()
            .Select(r => (Name: r.GetString()!, Why: "required"))
            .Concat(definition.TryGetProperty("describedAsRequired", out var described) ? described.EnumerateArray().Select(r => (Name: r.GetString()!, Why: "described as required")) : []);
        foreach (var (name, why) in required.Where(r => map.Find(r.Name) is null))
        {
            problems.Add($"{path}.{name} is missing ({why})");
        }
    }

    // What the API server decodes as a JSON string: a quoted scalar, or a plain one that YAML does not read as a number, bool or null.
    private static bool IsJsonString(PlainNode node) => node is PlainScalar { IsNull: false } s
        && (s.IsString || (!double.TryParse(s.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) && s.Value is not ("true" or "false")));

    private static void CheckRules(JsonElement facts, string kind, PlainMap obj, List<string> problems)
    {
        var rules = facts.GetProperty("rules");
        var spec = obj.Find("spec") as PlainMap;
        if (kind == "MutatingAdmissionPolicyBinding")
        {
            if (spec?.Find("paramRef") is PlainMap mutatingRef && (mutatingRef.Find("name") is null) == (mutatingRef.Find("selector") is null))
            {
                problems.Add("paramRef needs exactly one of name and selector");
            }

            return;
        }

        if (kind == "MutatingAdmissionPolicy" && ((spec?.Find("mutations") as PlainSeq)?.Items.Count ?? 0) < rules.GetProperty("minMutations").GetInt32())
        {
            problems.Add("mutations may not be empty");
        }

        if (kind == "ValidatingAdmissionPolicyBinding")
        {
            var actions = (spec?.Find("validationActions") as PlainSeq)?.Items.OfType<PlainScalar>().Select(s => s.Value).ToList() ?? [];
            if (rules.GetProperty("validationActionsExclusive").EnumerateArray().All(a => actions.Contains(a.GetString()!)))
            {
                problems.Add("validationActions has both Deny and Warn");
            }

            if (actions.Count != actions.Distinct(StringComparer.Ordinal).Count())
            {
                problems.Add("validationActions has a duplicate");
            }

            if (spec?.Find("paramRef") is PlainMap paramRef && (paramRef.Find("name") is null) == (paramRef.Find("selector") is null))
            {
                problems.Add("paramRef needs exactly one of name and selector");
            }

            return;
        }

        var conditions = (spec?.Find("matchConditions") as PlainSeq)?.Items ?? [];
        if (conditions.Count > rules.GetProperty("maxMatchConditions").GetInt32())
        {
            problems.Add("too many matchConditions");
        }

        var conditionName = new Regex(rules.GetProperty("matchConditionNamePattern").GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1));
        foreach (var name in conditions.OfType<PlainMap>().Select(c => (c.Find("name") as PlainScalar)?.Value ?? string.Empty).Where(n => !conditionName.IsMatch(n)))
        {
            problems.Add($"matchCondition name '{name}' is not a qualified name");
        }

        var variableName = new Regex(rules.GetProperty("variableNamePattern").GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1));
        var names = new List<string>();
        foreach (var variable in ((spec?.Find("variables") as PlainSeq)?.Items ?? []).OfType<PlainMap>())
        {
            var name = (variable.Find("name") as PlainScalar)?.Value ?? string.Empty;
            var expression = (variable.Find("expression") as PlainScalar)?.Value ?? string.Empty;
            if (!variableName.IsMatch(name) || names.Contains(name))
            {
                problems.Add($"variable '{name}' is not a unique CEL identifier");
            }

            // "The expression of a variable can refer to other variables defined earlier in the list but not those after."
            foreach (Match m in Regex.Matches(expression, @"variables\.(?<name>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1)))
            {
                if (!names.Contains(m.Groups["name"].Value))
                {
                    problems.Add($"variable '{name}' reads '{m.Groups["name"].Value}', which is not defined before it");
                }
            }

            names.Add(name);
        }

        foreach (var validation in ((spec?.Find("validations") as PlainSeq)?.Items ?? []).OfType<PlainMap>())
        {
            if ((validation.Find("message") as PlainScalar)?.Value.Contains('\n', StringComparison.Ordinal) == true)
            {
                problems.Add("a validation message contains a line break");
            }
        }
    }
}
