using Handoff.Analysis.Fixes.Fixers;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Fixes;

/// <summary>One file before and after fixing.</summary>
/// <param name="Original">The file as read.</param>
/// <param name="Text">Its text after every applied fix.</param>
public sealed record FileChange(SourceFile Original, string Text)
{
    /// <summary>Whether any character changed.</summary>
    public bool Changed => !string.Equals(Original.Text, Text, StringComparison.Ordinal);
}

/// <summary>The edits one pass applied to one file.</summary>
/// <param name="Pass">1-based pass number.</param>
/// <param name="Path">The file.</param>
/// <param name="TextBefore">The text the edits were applied to.</param>
/// <param name="Edits">The edits.</param>
public sealed record AppliedEdits(int Pass, string Path, string TextBefore, IReadOnlyList<TextEdit> Edits);

/// <summary>The outcome of fixing a set of manifests.</summary>
/// <param name="Files">Every manifest file with its fixed text (unchanged files included).</param>
/// <param name="Applied">Fixes applied, in the order they were applied.</param>
/// <param name="Advice">Findings left after fixing for which Handoff can only advise, with the reason.</param>
/// <param name="Before">The analysis of the input.</param>
/// <param name="After">The analysis of the fixed texts.</param>
/// <param name="Passes">How many rounds of analyse-and-edit ran (a fix can make another finding appear, such as a longer preStop needing a longer grace period).</param>
public sealed record FixResult(
    IReadOnlyList<FileChange> Files,
    IReadOnlyList<Fix> Applied,
    IReadOnlyList<Fix> Advice,
    AnalysisResult Before,
    AnalysisResult After,
    int Passes)
{
    /// <summary>Every pass's edits per file, with the text they were applied to, in order.</summary>
    public IReadOnlyList<AppliedEdits> History { get; init; } = [];

    /// <summary>Input errors (unreadable files, malformed YAML); files with a YAML error are left untouched.</summary>
    public IReadOnlyList<InputError> Errors => Before.Errors;

    /// <summary>Applied fixes whose finding is still reported after fixing; empty unless a fixer is wrong.</summary>
    public IReadOnlyList<Fix> Unresolved
    {
        get
        {
            var remaining = After.Findings.Select(a => (a.RuleId, a.Object, a.Location.File)).ToHashSet();
            return Applied.Where(f => !f.IsPartial && f.RuleIds.Any(id => remaining.Contains((id, f.Object, f.File)))).ToList();
        }
    }
}

/// <summary>Maps findings to fixes and applies them until nothing more can be fixed.</summary>
/// <remarks>
/// Each pass analyses the current texts, asks every fixer for its edits, keeps those that do not overlap an edit
/// already kept (the rest wait for the next pass, planned on the new text), and applies them. Passes repeat until no
/// fixer has an edit, so fixing the output again changes nothing.
/// </remarks>
public static class FixPlanner
{
    /// <summary>The most passes run; fixes depend on each other at most three deep (exec to sleep action, its length, then the grace period).</summary>
    public const int MaxPasses = 6;

    /// <summary>The fixers, in the order their edits are preferred within a pass.</summary>
    public static IReadOnlyList<IFixer> Fixers { get; } =
    [
        new SleepActionFixer(),
        new AddPreStopFixer(),
        new PreStopLengthFixer(),
        new GracePeriodFixer(),
        new RollingUpdateFixer(),
        new MinReadySecondsFixer(),
        new PdbFixer(),
    ];

    /// <summary>The rule ids some fixer handles.</summary>
    public static IReadOnlySet<string> FixableRules { get; } = Fixers.SelectMany(f => f.RuleIds).ToHashSet(StringComparer.Ordinal);

    /// <summary>Fixes <paramref name="manifests"/>.</summary>
    /// <exception cref="ArgumentException">The options name a profile that does not exist.</exception>
    public static FixResult Run(ManifestSet manifests, AnalysisOptions? options = null) => Run(manifests, options, Fixers);

    /// <summary>Fixes <paramref name="manifests"/> with only <paramref name="fixers"/> (the admission mutation's proof runs the fixes it does).</summary>
    /// <exception cref="ArgumentException">The options name a profile that does not exist.</exception>
    public static FixResult Run(ManifestSet manifests, AnalysisOptions? options, IReadOnlyList<IFixer> fixers)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(fixers);
        options ??= new AnalysisOptions();
        var before = Analyzer.Analyze(manifests, options);

        // A file whose YAML does not parse to its end is not edited: its later objects were never read.
        var broken = manifests.Errors.Select(e => e.File).ToHashSet(StringComparer.Ordinal);
        var files = manifests.Files.Where(f => f.Kind == SourceKind.Manifest).ToList();
        var texts = files.ToDictionary(f => f.Path, f => f.Text, StringComparer.Ordinal);
        var loadErrors = manifests.Errors.Where(e => e.Line is null).ToList();

        var result = before;
        var applied = new List<Fix>();
        var passes = 0;
        var history = new List<AppliedEdits>();
        while (passes < MaxPasses)
        {
            passes++;
            var context = new FixContext(result, options.Version);
            var accepted = new Dictionary<string, List<TextEdit>>(StringComparer.Ordinal);
            var appliedThisPass = new List<Fix>();
            foreach (var (fixer, finding) in Candidates(result, broken, fixers))
            {
                var fix = fixer.Plan(finding, context);
                if (fix.IsAdviceOnly)
                {
                    continue;
                }

                var path = context.ObjectOf(finding)?.File.Path ?? finding.Location.File;
                var kept = accepted.TryGetValue(path, out var list) ? list : accepted[path] = [];
                var fresh = fix.Edits.Where(e => !kept.Contains(e)).ToList();
                var same = fresh.Count == 0
                    ? appliedThisPass.FindIndex(f => f.Object == fix.Object && f.File == fix.File && f.Description == fix.Description)
                    : -1;
                if (same >= 0)
                {
                    // Another rule's finding already planned these very edits: one fix, listed once, for both rules.
                    appliedThisPass[same] = appliedThisPass[same] with { AlsoFixes = [.. appliedThisPass[same].AlsoFixes, fix.RuleId] };
                    continue;
                }

                if (fresh.Exists(e => kept.Exists(k => k.Overlaps(e))))
                {
                    continue; // Planned again next pass, on the text this pass produces.
                }

                kept.AddRange(fresh);
                appliedThisPass.Add(fix);
            }

            if (accepted.Values.All(l => l.Count == 0))
            {
                passes--;
                break;
            }

            foreach (var (path, edits) in accepted)
            {
                history.Add(new AppliedEdits(passes, path, texts[path], edits));
                texts[path] = ManifestEditor.Apply(texts[path], edits);
            }

            applied.AddRange(appliedThisPass);
            var current = files.Select(f => f with { Text = texts[f.Path] }).Concat(manifests.Files.Where(f => f.Kind != SourceKind.Manifest));
            result = Analyzer.Analyze(ManifestSet.Parse(current, loadErrors), options);
        }

        var finalContext = new FixContext(result, options.Version);
        var advice = Candidates(result, broken, fixers).Select(c => c.Fixer.Plan(c.Finding, finalContext)).Where(f => f.IsAdviceOnly).ToList();
        var changes = files.Select(f => new FileChange(f, texts[f.Path])).ToList();
        return new FixResult(changes, applied, advice, before, result, passes) { History = history };
    }

    private static IEnumerable<(IFixer Fixer, Finding Finding)> Candidates(AnalysisResult result, HashSet<string> broken, IReadOnlyList<IFixer> fixers)
    {
        foreach (var fixer in fixers)
        {
            foreach (var finding in result.Findings)
            {
                if (fixer.RuleIds.Contains(finding.RuleId, StringComparer.Ordinal) && !broken.Contains(finding.Location.File))
                {
                    yield return (fixer, finding);
                }
            }
        }
    }
}
