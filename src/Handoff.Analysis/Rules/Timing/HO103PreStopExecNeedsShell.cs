using Handoff.Analysis.Images;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Timing;

/// <summary>HO103: an exec preStop runs a shell or sleep binary, which minimal images do not have.</summary>
public sealed class HO103PreStopExecNeedsShell : WorkloadRule
{
    private static readonly HashSet<string> ShellBinaries = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "busybox", "sleep" };

    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO103", "prestop-exec-needs-shell", Severity.Warning, "Timing",
        "An exec preStop hook runs sh, bash or sleep: it fails on images without a shell (distroless, chiseled, scratch, Chainguard), and the native sleep action does the same job where the cluster has it.",
        "Replace the exec hook by 'lifecycle.preStop.sleep.seconds' (Kubernetes 1.30 or later), or on older clusters move the delay into the app (Handoff.AspNetCore's shutdown delay or its httpGet preStop endpoint).",
        [Sources.LifecycleHooks, Sources.SleepActionKep, "https://github.com/GoogleContainerTools/distroless"])
    {
        Fixer = "sleep-action",
        Scope = RuleScope.AnyWorkload,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override IEnumerable<Finding> Evaluate(WorkloadContext context)
    {
        var version = context.Context.Version;
        foreach (var container in context.Workload.Pod.Containers)
        {
            if (container.PreStop is not { Kind: HandlerKind.Exec, Command.Count: > 0 } hook)
            {
                continue;
            }

            var binary = Path.GetFileName(hook.Command[0]);
            if (!ShellBinaries.Contains(binary))
            {
                continue;
            }

            var sleep = Handoff.Analysis.Timing.TimeBudget.ExecSleepSeconds(hook.Command);
            var family = ImageKnowledge.ShellLessFamilyOf(container.Image);

            // A hook that does real work ('nodetool drain', a failover script) is not a sleep in disguise: the sleep
            // action cannot replace it, so it is only wrong where the image has no shell to run it (issue 13.6).
            var work = Kubernetes.ExecCommand.Read(hook.Command, container.Env);
            if (!work.IsExact)
            {
                if (family is not null)
                {
                    var doesWork = new Forbidden(ApiField.PreStopExecCommand, string.Join(' ', hook.Command));
                    yield return context.Report(context.Violation(doesWork, hook.Node, container) with
                    {
                        Case = "shell-less-image-real-work", Evidence = family.Family, Severity = Severity.Error, Version = version,
                    });
                }

                continue;
            }

            var requirement = new Forbidden(ApiField.PreStopExecCommand, string.Join(' ', hook.Command))
            {
                Replacement = sleep is { } s ? new Replacement(ApiField.PreStopSleepSeconds, Quantity.Seconds(s)) : null,
            };
            var violation = context.Violation(requirement, hook.Node, container) with { Version = version };
            if (family is not null)
            {
                yield return context.Report(violation with
                {
                    Case = version.HasSleepAction ? "shell-less-image" : "shell-less-image-no-sleep-action",
                    Evidence = family.Family,
                    Severity = Severity.Error,
                });
            }
            else if (version.HasSleepAction)
            {
                yield return context.Report(violation with { Case = "needs-shell", Severity = Severity.Info });
            }
        }
    }
}
