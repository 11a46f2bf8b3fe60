using Handoff.Analysis.Rules.Image;
using Handoff.Analysis.Rules.Probes;
using Handoff.Analysis.Rules.Provider;
using Handoff.Analysis.Rules.Rollout;
using Handoff.Analysis.Rules.Timing;

namespace Handoff.Analysis.Rules;

/// <summary>Every built-in rule, ordered by id.</summary>
/// <remarks>
/// An explicit list, not discovery by reflection: the native (trimmed) binary keeps only types the code names, so a
/// discovered catalogue would be empty there and 'check' would pass everything. A test finds every <see cref="IRule"/>
/// type in this assembly by reflection and fails when one is missing here.
/// </remarks>
public static class RuleCatalog
{
    private static readonly Lazy<IReadOnlyList<IRule>> Rules = new(Create);

    /// <summary>The rules.</summary>
    public static IReadOnlyList<IRule> All => Rules.Value;

    /// <summary>Finds a rule by id or name, or null.</summary>
    public static IRule? Find(string idOrName) => All.FirstOrDefault(r =>
        string.Equals(r.Descriptor.Id, idOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(r.Descriptor.Name, idOrName, StringComparison.OrdinalIgnoreCase));

    private static List<IRule> Create()
    {
        IRule[] listed =
        [
            new HO101PreStopMissing(),
            new HO102PreStopShorterThanPropagation(),
            new HO103PreStopExecNeedsShell(),
            new HO104GracePeriodTooShort(),
            new HO105PreStopSleepNotBelowGrace(),
            new HO106GraceAboveLbIdleTimeout(),
            new HO107GkeConnectionDrainingMissing(),
            new HO108GkePreStopBelowNegFormula(),
            new HO109GkeHealthCheckPolicyMismatch(),
            new HO110AppDrainExceedsBudget(),
            new HO201RecreateStrategy(),
            new HO202MaxUnavailableNotZero(),
            new HO203MinReadySecondsMissing(),
            new HO204SingleReplica(),
            new HO205PdbMissing(),
            new HO206PdbBlocksEviction(),
            new HO207HpaManagedReplicasSet(),
            new HO208PdbUnhealthyEvictionPolicy(),
            new HO209DaemonSetNoSurge(),
            new HO301ReadinessProbeMissing(),
            new HO302LivenessSameAsReadiness(),
            new HO303ProbeOnRootPath(),
            new HO304LivenessFasterThanReadiness(),
            new HO305StartupProbeMissing(),
            new HO306ProbePortNotDeclared(),
            new HO401ShellFormEntrypoint(),
            new HO402PackageManagerAsPid1(),
            new HO403EntrypointScriptWithoutExec(),
            new HO404NginxFastShutdown(),
            new HO405IstioSidecarExitsFirst(),
            new HO501LbHealthcheckPathMismatch(),
            new HO502AlbDeregistrationDelayBelowDrain(),
            new Network.HO601ServiceTargetPortNotDeclared(),
            new Network.HO602ServiceSelectsNothing(),
        ];
        var rules = listed.OrderBy(r => r.Descriptor.Id, StringComparer.Ordinal).ToList();
        var duplicate = rules.GroupBy(r => r.Descriptor.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two rules share the id {duplicate.Key}.");
        }

        return rules;
    }
}
