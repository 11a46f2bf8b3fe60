using System.Text.RegularExpressions;
using Handoff.Analysis.Model;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Fixes.Fixers;

/// <summary>HO103: replaces an exec preStop that only sleeps by the native 'sleep' action.</summary>
public sealed partial class SleepActionFixer : WorkloadFixer
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh" };

    /// <inheritdoc/>
    public override string Name => "sleep-action";

    /// <inheritdoc/>
    protected override Fix Plan(Finding finding, Violation violation, FixContext context, TimeBudget budget)
    {
        if (violation is not { Container: { PreStop: { Kind: HandlerKind.Exec } hook } container, Requirement: Forbidden forbidden })
        {
            return FixContext.Advice(finding, "the container or its exec hook was not found");
        }

        if (!context.Version.HasSleepAction)
        {
            return FixContext.Advice(finding, $"Kubernetes {context.Version} has no preStop 'sleep' action on by default (1.30+)");
        }

        // The replacement does the same job only when sleeping is all the hook does.
        if (OnlySleeps(hook.Command) is null || forbidden.Replacement is not { } replacement)
        {
            return FixContext.Advice(finding,
                $"the hook does more than sleep ('{string.Join(' ', hook.Command)}'), so replacing it would lose that work; keep it on an image with a shell, or move the work into the app");
        }

        var whole = replacement.Value.WholeValue;
        if (whole == 0 && !context.Version.AllowsZeroSleep)
        {
            return FixContext.Advice(finding, $"the hook sleeps 0 s and Kubernetes {context.Version} rejects 'sleep: {{seconds: 0}}' (1.33+); remove the hook");
        }

        if (Paths.PodSpec(budget.Workload) is not { } podSpec || !Paths.IsInPlace(podSpec, container) || Paths.PreStop(container) is not { } preStop)
        {
            return FixContext.Advice(finding, "the hook is not written in place (an alias or an unexpected shape)");
        }

        var edits = new List<TextEdit>();
        var refusal = context.EditorFor(budget.Workload.Object).ReplaceEntry(preStop, "exec", "sleep",
            YamlValue.Map(("seconds", YamlValue.Number(whole))), edits);
        return refusal is not null
            ? FixContext.Advice(finding, refusal)
            : FixContext.Edit(finding, $"Replace the exec preStop '{string.Join(' ', hook.Command)}' of container '{container.Name}' by the native 'sleep' action of {whole} s.", edits);
    }

    /// <summary>The seconds an exec command sleeps when sleeping is all it does ("sleep 5", "sh -c 'sleep 5'"), else null.</summary>
    public static double? OnlySleeps(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 2 && Path.GetFileName(command[0]) == "sleep" && PlainSleep().IsMatch("sleep " + command[1]))
        {
            return TimeBudget.ExecSleepSeconds(command);
        }

        if (command.Count == 3 && Shells.Contains(Path.GetFileName(command[0])) && command[1] == "-c" && PlainSleep().IsMatch(command[2].Trim()))
        {
            return TimeBudget.ExecSleepSeconds(command);
        }

        return null;
    }

    [GeneratedRegex(@"^(?:exec\s+)?sleep\s+\d+(?:\.\d+)?[smh]?\s*;?$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PlainSleep();
}
