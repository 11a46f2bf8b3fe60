using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Rules;

/// <summary>One rule violation at one place.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Severity">The severity (the rule's default unless the rule chose otherwise for this case).</param>
/// <param name="Message">What is wrong here, with numbers and units, ending with a period.</param>
/// <param name="Location">Where.</param>
/// <param name="Object">The object.</param>
/// <param name="Container">The container, when the finding is about one.</param>
public sealed record Finding(RuleDescriptor Rule, Severity Severity, string Message, SourceLocation Location, ObjectRef Object, string? Container)
{
    /// <summary>The violation the finding reports (every built-in rule reports one); null only for a finding made by hand.</summary>
    public Violation? Violation { get; init; }

    /// <summary>The rule's id.</summary>
    public string RuleId => Rule.Id;
}
