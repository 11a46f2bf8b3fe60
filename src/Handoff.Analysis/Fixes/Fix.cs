using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Fixes;

/// <summary>What Handoff does about one finding: edits to a file, or advice when no safe edit exists.</summary>
/// <param name="RuleId">The finding's rule.</param>
/// <param name="Object">The object it is about.</param>
/// <param name="File">The file's display name.</param>
/// <param name="Line">The finding's line.</param>
/// <param name="Description">What the edits do, or why there are none ("advice only"), as a sentence.</param>
/// <param name="Edits">The edits, on the file's text as it was when the fix was planned; empty for advice only.</param>
public sealed record Fix(string RuleId, ObjectRef Object, string File, int Line, string Description, IReadOnlyList<TextEdit> Edits)
{
    /// <summary>Other rules whose findings the same edits fix (HO105 beside HO104, both fixed by one grace period), so the fix is listed once.</summary>
    public IReadOnlyList<string> AlsoFixes { get; init; } = [];

    /// <summary>Every rule the fix resolves: <see cref="RuleId"/>, then <see cref="AlsoFixes"/>.</summary>
    public IReadOnlyList<string> RuleIds => [RuleId, .. AlsoFixes];

    /// <summary>The rules as a report names them: "HO104" or "HO104, HO105".</summary>
    public string Rules => string.Join(", ", RuleIds);

    /// <summary>
    /// Whether the edits go as far as is safe but leave the finding standing (a grace period capped below the ALB idle
    /// timeout, so the fix does not bring HO106): the finding after fixing is expected, not a fixer's mistake.
    /// </summary>
    public bool IsPartial { get; init; }

    /// <summary>Whether Handoff only advises (no edit was safe).</summary>
    public bool IsAdviceOnly => Edits.Count == 0;
}
