using Handoff.Analysis.Rules;
using Handoff.Analysis.Rules.Rollout;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO205: adds a PodDisruptionBudget (maxUnavailable 1) as a new document right after its workload.</summary>
public sealed class PdbFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override string Name => "pdb";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        var workload = budget.Workload;
        var obj = workload.Object;
        if (violation.FixRequirement is not AtLeast { } maxUnavailable)
        {
            return FixContext.Advice(finding, $"{finding.RuleId} states no PodDisruptionBudget to write");
        }

        if (!ReferenceEquals(obj.Document.Root, obj.Node))
        {
            return FixContext.Advice(finding, "the workload is an item of a List, so a new document cannot go next to it");
        }

        var editor = context.EditorFor(obj);
        if (editor.Style.IsJson)
        {
            return FixContext.Advice(finding, "the file is JSON, which holds one object; add the PodDisruptionBudget in a file of its own");
        }

        if (workload.Selector is { Expressions.Count: > 0 })
        {
            return FixContext.Advice(finding, "the workload's selector uses matchExpressions; write the PodDisruptionBudget's selector by hand");
        }

        var labels = workload.Selector is { MatchLabels.Count: > 0 } selector ? selector.MatchLabels : workload.Pod.Labels;
        if (labels.Count == 0)
        {
            return FixContext.Advice(finding, "the pods have no labels to select them by");
        }

        var taken = context.Result.Model.DisruptionBudgets.Any(b => b.Object.Namespace == obj.Namespace && b.Object.Name == workload.Name);
        var name = taken ? workload.Name + "-pdb" : workload.Name;
        var metadata = new List<(string, YamlValue)> { ("name", YamlValue.String(name)) };
        if (obj.ExplicitNamespace is { } ns)
        {
            metadata.Add(("namespace", YamlValue.String(ns)));
        }

        var matchLabels = labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, YamlValue.String(kv.Value))).ToList();
        var spec = new List<(string, YamlValue)>
        {
            ("maxUnavailable", YamlValue.Number(maxUnavailable.Required.WholeValue)),
            ("selector", YamlValue.Map(("matchLabels", new YamlMapValue(matchLabels)))),
        };

        // The budget fix must not bring HO208 with it: where the field exists, unready pods never block a drain.
        if (context.Version >= HO208PdbUnhealthyEvictionPolicy.PolicyAvailable)
        {
            spec.Add(("unhealthyPodEvictionPolicy", YamlValue.String("AlwaysAllow")));
        }

        var pdb = (YamlMapValue)YamlValue.Map(
            ("apiVersion", YamlValue.String("policy/v1")),
            ("kind", YamlValue.String("PodDisruptionBudget")),
            ("metadata", new YamlMapValue(metadata)),
            ("spec", new YamlMapValue(spec)));
        return FixContext.Edit(finding,
            $"Add PodDisruptionBudget '{name}' (maxUnavailable {maxUnavailable.Required.WholeValue}) after {workload.Kind} '{workload.Name}'.",
            [editor.AppendDocument(obj.Document, pdb)]);
    }
}
