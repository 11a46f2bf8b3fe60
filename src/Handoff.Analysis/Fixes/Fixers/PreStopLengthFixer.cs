using System.Globalization;
using System.Text.RegularExpressions;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO102: raises the preStop sleep to the profile's propagation time.</summary>
public sealed partial class PreStopLengthFixer : WorkloadFixer
{
    /// <inheritdoc/>
    public override string Name => "prestop-length";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        if (violation is not { Container: { } container, FixRequirement: AtLeast required })
        {
            return FixContext.Advice(finding, "the container was not found");
        }

        var target = required.Required.WholeValue;
        var field = required.Field;
        if (field.Scope == FieldScope.Annotation && field.Path == HandoffAnnotations.ShutdownDelaySeconds)
        {
            return FixContext.Advice(finding, $"the in-app delay is declared, not written in the manifest; raise it to at least {required.Required}");
        }

        if (field.Scope == FieldScope.Container && field.Path.StartsWith("env ", StringComparison.Ordinal))
        {
            return FixContext.Advice(finding, $"the in-app delay is the app's own setting ({field.Path[4..]}); raise it to at least {required.Required}");
        }

        if (!field.Equals(ApiField.PreStopSleepSeconds) && !field.Equals(ApiField.PreStopExecCommand))
        {
            return FixContext.Advice(finding, $"the preStop hook ({container.PreStop?.Describe()}) is not a sleep Handoff can lengthen; make it last at least {target} s");
        }

        if (target <= required.Actual.Value)
        {
            // The sleep is long enough; the grace period cuts it short (HO105), and raising the grace period is that rule's fix.
            return FixContext.Advice(finding,
                $"the preStop sleep of {required.Actual} already covers {target} s, but the grace period of {Seconds(budget.GracePeriodSeconds)} ends it sooner; raise terminationGracePeriodSeconds");
        }

        if (Paths.PodSpec(budget.Workload) is not { } podSpec || !Paths.IsInPlace(podSpec, container) || Paths.PreStop(container) is not { } preStop)
        {
            return FixContext.Advice(finding, "the hook is not written in place (an alias or an unexpected shape)");
        }

        var editor = context.EditorFor(budget.Workload.Object);
        var edits = new List<TextEdit>();
        string? refusal;
        if (field.Equals(ApiField.PreStopSleepSeconds))
        {
            refusal = FixContext.MapAt(preStop, "sleep") is { } sleep
                ? editor.SetEntries(sleep, [("seconds", YamlValue.Number(target))], edits)
                : "the sleep action is not written in place";
        }
        else
        {
            refusal = LengthenExecSleep(editor, preStop, target, edits);
        }

        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding, $"Raise the preStop sleep of container '{container.Name}' from {required.Actual} to {target} s ({FixContext.PropagationSource(budget, violation)}).", edits);
    }

    private static string? LengthenExecSleep(YamlEditor editor, YMap preStop, int target, List<TextEdit> edits)
    {
        if (FixContext.MapAt(preStop, "exec") is not { } exec || exec.Find("command") is not { } entry
            || YamlEditor.IsAlias(entry.Key, entry.Value) || entry.Value is not YSeq command)
        {
            return "the exec command is not written in place";
        }

        var items = command.Items;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not YScalar scalar || scalar.Start.Offset < command.Start.Offset)
            {
                continue;
            }

            // ["sleep", "5"]: the number is its own item; keep its quoting.
            if (Path.GetFileName(scalar.Value) == "sleep" && i + 1 < items.Count && items[i + 1] is YScalar { Tag: null } number
                && Number().IsMatch(number.Value) && number.Style is not (ScalarStyle.Literal or ScalarStyle.Folded))
            {
                var text = target.ToString(CultureInfo.InvariantCulture);
                edits.Add(new TextEdit(number.Start.Offset, number.End.Offset, new YamlScalarValue(text, number.Style != ScalarStyle.Plain).Render(number.Style)));
                return null;
            }

            // "sleep 5 && nginx -s quit" inside one item: change the digits where they are written.
            if (scalar.Style is ScalarStyle.Plain or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
            {
                var raw = editor.Text.AsSpan(scalar.Start.Offset, scalar.End.Offset - scalar.Start.Offset).ToString();
                var match = SleepInText().Match(raw);
                if (match.Success)
                {
                    var group = match.Groups["n"];
                    var unit = match.Groups["unit"];
                    var start = scalar.Start.Offset + group.Index;
                    var end = scalar.Start.Offset + unit.Index + unit.Length;
                    edits.Add(new TextEdit(start, end, target.ToString(CultureInfo.InvariantCulture)));
                    return null;
                }
            }
        }

        return "the sleep in the exec command was not found where it is written";
    }

    [GeneratedRegex(@"^\d+(?:\.\d+)?[smh]?$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Number();

    [GeneratedRegex(@"(?:^|[\s;&|/""'])sleep\s+(?<n>\d+(?:\.\d+)?)(?<unit>[smh]?)\b", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SleepInText();
}
