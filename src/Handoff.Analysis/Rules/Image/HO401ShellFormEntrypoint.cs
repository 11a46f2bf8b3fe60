using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Image;

/// <summary>HO401: a shell is PID 1 and SIGTERM never reaches the app.</summary>
public sealed class HO401ShellFormEntrypoint : Pid1Rule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO401", "shell-form-entrypoint", Severity.Error, "Image",
        "The final stage's CMD or ENTRYPOINT is in shell form, or a container command runs 'sh -c' whose last command is not exec'd: /bin/sh is PID 1, does not pass SIGTERM on, and the app is SIGKILLed at the end of the grace period without draining.",
        "Use the exec form (CMD [\"node\", \"server.js\"]), or end the shell command with 'exec app ...' so the app replaces the shell as PID 1.",
        ["https://docs.docker.com/reference/dockerfile/#shell-and-exec-form", "https://docs.docker.com/reference/dockerfile/#entrypoint", Sources.PodTermination])
    {
        Scope = RuleScope.ServingContainer,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override Pid1Issue Issue => Pid1Issue.ShellWithoutExec;

    /// <inheritdoc/>
    protected override string DockerfileMessage(Pid1Problem problem, DockerInstruction at) => at.IsExecForm
        ? $"{at.Keyword} starts a shell with -c whose last command '{problem.Detail}' is not exec'd: the shell stays PID 1 and does not pass SIGTERM on; write 'exec {problem.Detail}'."
        : $"{at.Keyword} is in shell form, so '/bin/sh -c' is PID 1 and SIGTERM never reaches '{problem.Detail}'; use the exec form {at.Keyword} {Pid1Analysis.ToExecForm(problem.Detail)}.";

    /// <inheritdoc/>
    protected override string ContainerMessage(Pid1Problem problem, Container container) =>
        $"Container '{container.Name}' runs its command through a shell whose last command '{problem.Detail}' is not exec'd: the shell is PID 1, does not pass SIGTERM on, and the app is killed at the grace period without draining; write 'exec {problem.Detail}'.";
}
