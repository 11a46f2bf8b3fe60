using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Fixes;

/// <summary>Turns violations of some rules into edits, or into advice when no edit is safe.</summary>
/// <remarks>A rule names its fixer in <see cref="RuleDescriptor.Fixer"/>; a test checks both directions.</remarks>
public interface IFixer
{
    /// <summary>The fixer's name, as rules name it in <see cref="RuleDescriptor.Fixer"/> ("grace-period").</summary>
    string Name { get; }

    /// <summary>The rule ids this fixer handles: the rules that name it.</summary>
    IReadOnlyCollection<string> RuleIds { get; }

    /// <summary>Plans the fix of one finding.</summary>
    Fix Plan(Finding finding, FixContext context);
}
