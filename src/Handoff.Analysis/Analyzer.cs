using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis;

/// <summary>What to analyse with.</summary>
public sealed record AnalysisOptions
{
    /// <summary>The profile id (--profile); null to infer it. Defaults to null.</summary>
    public string? Profile { get; init; }

    /// <summary>The profiles and inference strategies to choose from. Defaults to <see cref="ProfileCatalog.BuiltIn"/>.</summary>
    public ProfileCatalog Profiles { get; init; } = ProfileCatalog.BuiltIn;

    /// <summary>The target Kubernetes version (--k8s-version). Defaults to 1.32.</summary>
    public KubernetesVersion Version { get; init; } = KubernetesVersion.Default;

    /// <summary>The numbers the user gave instead of the profile's (--propagation, --drain, .handoff.yaml). Defaults to none.</summary>
    public Configuration.TimingSettings Timing { get; init; } = Configuration.TimingSettings.None;

    /// <summary>Rule ids or names to skip everywhere (--ignore). Defaults to none.</summary>
    public IReadOnlyCollection<string> Ignore { get; init; } = [];
}

/// <summary>The result of one analysis.</summary>
/// <param name="Model">The linked objects.</param>
/// <param name="Profile">The profile in force and why.</param>
/// <param name="Budgets">One time budget per workload.</param>
/// <param name="Findings">Findings, in file and line order.</param>
/// <param name="Suppressed">Findings silenced by an annotation or --ignore.</param>
/// <param name="Errors">Input errors.</param>
public sealed record AnalysisResult(
    ClusterModel Model,
    ProfileChoice Profile,
    IReadOnlyList<TimeBudget> Budgets,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<Finding> Suppressed,
    IReadOnlyList<InputError> Errors);

/// <summary>Runs the whole pipeline: manifests, model, budgets, rules, suppression.</summary>
public static class Analyzer
{
    /// <summary>Analyses parsed manifests.</summary>
    /// <exception cref="ArgumentException">The options name a profile that does not exist.</exception>
    public static AnalysisResult Analyze(ManifestSet manifests, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        options ??= new AnalysisOptions();
        var model = ClusterModel.Build(manifests);
        var catalog = options.Profiles;
        if (options.Profile is not null && catalog.Find(options.Profile) is null)
        {
            throw new ArgumentException($"Unknown profile '{options.Profile}'. Known: {catalog.Ids}.", nameof(options));
        }

        // Inference runs once per workload; the run-level profile is derived from those choices.
        var budgets = model.Workloads.Select(w => TimeBudget.Compute(w, model, catalog.Choose(options.Profile, w, model)!, options.Timing)).ToList();
        var profile = options.Profile is not null ? catalog.Choose(options.Profile, model)! : catalog.Summarize(budgets.Select(b => b.Profile));
        var context = new RuleContext(model, profile, options.Version, budgets);

        var ignored = new HashSet<string>(options.Ignore, StringComparer.OrdinalIgnoreCase);
        var superseding = RuleCatalog.All.SelectMany(r => r.Descriptor.SupersededBy).Select(s => s.RuleId).ToHashSet(StringComparer.Ordinal);
        var evaluated = new List<Finding>();
        foreach (var rule in RuleCatalog.All)
        {
            // An ignored rule still runs when it supersedes another: ignoring HO110 must not bring back the HO104 it replaces.
            if ((ignored.Contains(rule.Descriptor.Id) || ignored.Contains(rule.Descriptor.Name)) && !superseding.Contains(rule.Descriptor.Id))
            {
                continue;
            }

            evaluated.AddRange(rule.Evaluate(context));
        }

        var findings = new List<Finding>();
        var suppressed = new List<Finding>();
        var suppressions = Suppressions(model);
        var workloadsByPlace = model.Workloads.GroupBy(w => (w.Object.File.DisplayName, w.Object.Ref)).ToDictionary(g => g.Key, g => g.First());
        foreach (var scoped in WithoutSuperseded(evaluated))
        {
            if (RuleScopes.Apply(scoped, workloadsByPlace) is not { } finding)
            {
                continue;
            }

            if (ignored.Contains(finding.Rule.Id) || ignored.Contains(finding.Rule.Name))
            {
                continue;
            }

            (IsSuppressed(finding, suppressions) ? suppressed : findings).Add(finding);
        }

        findings.Sort(CompareByPlace);
        return new AnalysisResult(model, profile, budgets, findings, suppressed, model.Errors);
    }

    /// <summary>Loads paths and analyses them.</summary>
    public static AnalysisResult Analyze(IEnumerable<string> paths, AnalysisOptions? options = null, TextReader? stdin = null) =>
        Analyze(ManifestSet.Load(paths, stdin), options);

    /// <summary>Drops each finding that a finding of a rule in its descriptor's <see cref="RuleDescriptor.SupersededBy"/> makes redundant.</summary>
    private static IEnumerable<Finding> WithoutSuperseded(List<Finding> findings)
    {
        var byRule = findings.ToLookup(f => f.Rule.Id, StringComparer.Ordinal);
        return findings.Where(f => !f.Rule.SupersededBy.Any(s => byRule[s.RuleId].Any(other =>
            other.Location.File == f.Location.File && other.Object == f.Object
            && (s.Scope == SupersessionScope.Object || other.Container == f.Container))));
    }

    private static Dictionary<(string File, ObjectRef Ref), string[]> Suppressions(ClusterModel model)
    {
        var workloads = model.Workloads.ToDictionary(w => w.Object);
        var result = new Dictionary<(string, ObjectRef), string[]>();
        foreach (var obj in model.Objects)
        {
            var ids = HandoffAnnotations.Ignored(workloads.GetValueOrDefault(obj), obj).ToArray();
            if (ids.Length > 0)
            {
                result[(obj.File.DisplayName, obj.Ref)] = ids;
            }
        }

        return result;
    }

    private static bool IsSuppressed(Finding finding, Dictionary<(string File, ObjectRef Ref), string[]> suppressions) =>
        suppressions.TryGetValue((finding.Location.File, finding.Object), out var ids) && ids.Any(id =>
            id == "*" || string.Equals(id, finding.Rule.Id, StringComparison.OrdinalIgnoreCase)
            || string.Equals(id, finding.Rule.Name, StringComparison.OrdinalIgnoreCase));

    private static int CompareByPlace(Finding a, Finding b)
    {
        var byFile = string.CompareOrdinal(a.Location.File, b.Location.File);
        if (byFile != 0)
        {
            return byFile;
        }

        var byLine = a.Location.Line.CompareTo(b.Location.Line);
        return byLine != 0 ? byLine : string.CompareOrdinal(a.Rule.Id, b.Rule.Id);
    }
}
