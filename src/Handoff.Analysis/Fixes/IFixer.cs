using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Fixes;

/// <summary>Turns findings of some rules into edits, or into advice when no edit is safe.</summary>
public interface IFixer
{
    /// <summary>The rule ids this fixer handles.</summary>
    IReadOnlyCollection<string> RuleIds { get; }

    /// <summary>Plans the fix of one finding.</summary>
    Fix Plan(Finding finding, FixContext context);
}
