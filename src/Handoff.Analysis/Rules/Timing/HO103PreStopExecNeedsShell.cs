using Handoff.Analysis.Images;
using Handoff.Analysis.Model;
using static Handoff.Analysis.Rules.Text;

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
        [Sources.LifecycleHooks, Sources.SleepActionKep, "https://github.com/GoogleContainerTools/distroless"]);

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override bool ServingOnly => false;

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
            var replacement = sleep is { } s ? $"'sleep: {{seconds: {Number(s)}}}'" : "the native 'sleep' action";
            if (family is not null)
            {
                var fix = version.HasSleepAction
                    ? $"use {replacement} instead"
                    : $"Kubernetes {version} has no sleep action on by default, so keep the delay in the app (Handoff.AspNetCore)";
                yield return context.Report(hook.Node,
                    $"The preStop hook of container '{container.Name}' runs '{hook.Command[0]}', but image '{container.Image}' is {family.Family} and has no shell: the hook fails (FailedPreStopHook) and SIGTERM comes at once; {fix}.",
                    container, Severity.Error);
            }
            else if (version.HasSleepAction)
            {
                yield return context.Report(hook.Node,
                    $"The preStop hook of container '{container.Name}' runs '{string.Join(' ', hook.Command)}', which needs a shell in the image; on Kubernetes {version} use {replacement}, which needs nothing in the image.",
                    container, Severity.Info);
            }
        }
    }
}
