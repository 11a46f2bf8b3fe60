using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Fixes;

/// <summary>What a fixer may look at: the analysis of the current texts and an editor per file.</summary>
public sealed class FixContext
{
    private readonly Dictionary<string, YamlEditor> _editors = new(StringComparer.Ordinal);
    private readonly Dictionary<(string File, ObjectRef Ref), TimeBudget> _budgets = [];
    private readonly Dictionary<(string File, ObjectRef Ref), KubeObject> _objects = [];

    internal FixContext(AnalysisResult result, KubernetesVersion version)
    {
        Result = result;
        Version = version;
        foreach (var budget in result.Budgets)
        {
            _budgets.TryAdd((budget.Workload.Object.File.DisplayName, budget.Workload.Object.Ref), budget);
        }

        foreach (var obj in result.Model.Objects)
        {
            _objects.TryAdd((obj.File.DisplayName, obj.Ref), obj);
        }
    }

    /// <summary>The analysis the findings come from.</summary>
    public AnalysisResult Result { get; }

    /// <summary>The target Kubernetes version.</summary>
    public KubernetesVersion Version { get; }

    /// <summary>The profile in force.</summary>
    public Profile Profile => Result.Profile.Profile;

    /// <summary>Where a fix's propagation came from, for its description: the user's number (command line or config file) or the profile.</summary>
    public static string PropagationSource(TimeBudget budget, Violation violation)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(violation);
        return budget.PropagationGiven ? $"your propagation, {budget.PropagationOrigin!.Text}" : $"{violation.Profile} propagation";
    }

    /// <summary>The budget of the workload a finding is about, or null.</summary>
    public TimeBudget? BudgetOf(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return _budgets.GetValueOrDefault((finding.Location.File, finding.Object));
    }

    /// <summary>The object a finding is about, or null.</summary>
    public KubeObject? ObjectOf(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return _objects.GetValueOrDefault((finding.Location.File, finding.Object));
    }

    /// <summary>The editor of the file holding <paramref name="obj"/>.</summary>
    public YamlEditor EditorFor(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var file = obj.File;
        if (!_editors.TryGetValue(file.Path, out var editor))
        {
            var documents = Result.Model.Manifests.Documents.TryGetValue(file, out var docs) ? docs : [];
            editor = new YamlEditor(file.Text, YamlStyle.Detect(file.Text, documents), documents);
            _editors[file.Path] = editor;
        }

        return editor;
    }

    /// <summary>Why an object cannot be edited at all (template syntax), or null.</summary>
    public static string? Uneditable(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var doc = obj.Document;
        var text = obj.File.Text.AsSpan(doc.Start.Offset, Math.Max(0, doc.End.Offset - doc.Start.Offset));
        return text.Contains("{{", StringComparison.Ordinal)
            ? "the object contains template syntax ('{{'); change the template, or render it and use --patch"
            : null;
    }

    /// <summary>Makes a fix with edits.</summary>
    public static Fix Edit(Finding finding, string description, IReadOnlyList<TextEdit> edits)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new Fix(finding.RuleId, finding.Object, finding.Location.File, finding.Location.Line, description, edits);
    }

    /// <summary>Makes an advice-only fix.</summary>
    public static Fix Advice(Finding finding, string why)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var sentence = why.EndsWith('.') ? why : why + ".";
        return new Fix(finding.RuleId, finding.Object, finding.Location.File, finding.Location.Line,
            "advice only: " + sentence + " " + finding.Rule.Remediation, []);
    }

    /// <summary>The node a YAML mapping value sits at, when it is a mapping written in place (not an alias).</summary>
    public static YMap? MapAt(YMap parent, string key) =>
        parent.Find(key) is { } entry && !YamlEditor.IsAlias(entry.Key, entry.Value) ? entry.Value as YMap : null;
}
