using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO201, HO202: a rolling update that never lowers ready capacity (maxUnavailable 0, maxSurge 1).</summary>
public sealed class RollingUpdateFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override string Name => "rolling-update";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        if (budget.Workload is not { Kind: "Deployment" } workload)
        {
            return FixContext.Advice(finding, "only Deployments are changed");
        }

        if (Paths.Spec(workload) is not { } spec)
        {
            return FixContext.Advice(finding, "the spec is not written in place (an alias or an unexpected shape)");
        }

        if (violation.Requirement is not EqualTo required)
        {
            return FixContext.Advice(finding, $"{finding.RuleId} states no strategy to set");
        }

        // HO201 requires the RollingUpdate type, HO202 maxUnavailable 0; a rolling update without lost capacity needs both.
        var switchesType = required.Field.Path == "spec.strategy.type";
        if (switchesType && SingleNodeClaim(workload, context.Result.Model) is { } claim)
        {
            return FixContext.Advice(finding,
                $"Deployment '{workload.Name}' mounts PersistentVolumeClaim '{claim}', {ClaimModes(workload, context.Result.Model, claim)}: a surge pod scheduled on another node cannot attach it (Multi-Attach error), so a rolling update with maxUnavailable 0 would never finish; keep Recreate, or move the state to a StatefulSet with volumeClaimTemplates or a ReadWriteMany volume");
        }

        var surgeIsZero = workload.Strategy?.MaxSurge is { } surge && surge.Resolve(workload.EffectiveReplicas, roundUp: true) is 0;
        var rolling = new List<(string, YamlValue)>();
        if (workload.Strategy?.MaxSurge is null || surgeIsZero)
        {
            rolling.Add(("maxSurge", YamlValue.Number(FixDefaults.MaxSurge)));
        }

        rolling.Add(("maxUnavailable", YamlValue.Number(switchesType ? 0 : int.Parse(required.Required, System.Globalization.CultureInfo.InvariantCulture))));
        var strategy = new List<(string, YamlValue)>();
        if (switchesType || workload.Strategy?.Node is null)
        {
            strategy.Add(("type", YamlValue.String(switchesType ? required.Required : "RollingUpdate")));
        }

        strategy.Add(("rollingUpdate", new YamlMapValue(rolling)));
        var edits = new List<TextEdit>();
        var refusal = context.EditorFor(workload.Object).SetEntries(spec, [("strategy", new YamlMapValue(strategy))], edits,
            new Placement(["minReadySeconds", "replicas"], ["selector", "template"]));
        var surgeText = rolling.Count == 2 ? $"maxSurge {FixDefaults.MaxSurge}" : $"maxSurge {workload.Strategy?.MaxSurge}";
        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding, switchesType
                ? $"Switch Deployment '{workload.Name}' from Recreate to RollingUpdate with maxUnavailable 0 and {surgeText}."
                : $"Set maxUnavailable 0 with {surgeText} on Deployment '{workload.Name}'.", edits);
    }

    /// <summary>
    /// The first claim the pods mount that only one node can attach: ReadWriteOnce or ReadWriteOncePod, or a claim
    /// the input does not hold (ReadWriteOnce is what most storage classes give). Null when every claim is shared.
    /// https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
    /// </summary>
    private static string? SingleNodeClaim(Model.Workload workload, Model.ClusterModel model) =>
        ClaimNames(workload).FirstOrDefault(name => AccessModes(model, workload.Object.Namespace, name) is not { } modes
            || !modes.Exists(m => m is "ReadWriteMany" or "ReadOnlyMany"));

    private static string ClaimModes(Model.Workload workload, Model.ClusterModel model, string claim) =>
        AccessModes(model, workload.Object.Namespace, claim) is { Count: > 0 } modes
            ? $"whose access mode is {string.Join(", ", modes)}"
            : AccessModes(model, workload.Object.Namespace, claim) is not null ? "which writes no access mode"
            : "which the input does not hold (ReadWriteOnce is the usual access mode)";

    private static IEnumerable<string> ClaimNames(Model.Workload workload) =>
        workload.Pod.SpecNode["volumes"] is Yaml.YSeq volumes
            ? volumes.Items.OfType<Yaml.YMap>().Select(v => (v["persistentVolumeClaim"] as Yaml.YMap)?["claimName"] as Yaml.YScalar).OfType<Yaml.YScalar>().Select(s => s.Value)
            : [];

    private static List<string>? AccessModes(Model.ClusterModel model, string ns, string claim) =>
        model.OfKind("PersistentVolumeClaim").FirstOrDefault(c => c.Namespace == ns && c.Name == claim)?.Node["spec"] is Yaml.YMap spec
            ? (spec["accessModes"] as Yaml.YSeq)?.Items.OfType<Yaml.YScalar>().Select(m => m.Value).ToList() ?? []
            : null;
}
