using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Image;

/// <summary>HO403: an entrypoint script starts the app without exec, so the script's shell stays PID 1.</summary>
public sealed class HO403EntrypointScriptWithoutExec : Pid1Rule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO403", "entrypoint-script-without-exec", Severity.Error, "Image",
        "The ENTRYPOINT or CMD runs a shell script from the build context whose last command is not exec'd and that does not trap and forward TERM: the script's shell stays PID 1 and SIGTERM never reaches the app.",
        "End the script with 'exec \"$@\"' or 'exec app ...' so the app replaces the shell, or use an init such as tini or dumb-init.",
        ["https://docs.docker.com/reference/dockerfile/#entrypoint", "https://github.com/docker-library/official-images#consistency", Sources.PodTermination])
    {
        Scope = RuleScope.ServingContainer,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override Pid1Issue Issue => Pid1Issue.ScriptWithoutExec;

    /// <inheritdoc/>
    protected override string DockerfileMessage(Pid1Problem problem, DockerInstruction at) =>
        $"{at.Keyword} runs '{problem.Subject}', whose last command '{problem.Detail}' (line {problem.Line}) is not exec'd: the script's shell stays PID 1 and SIGTERM never reaches the app; write 'exec {problem.Detail}'.";

    /// <inheritdoc/>
    protected override string ContainerMessage(Pid1Problem problem, Container container) =>
        $"Container '{container.Name}' runs '{problem.Subject}', whose last command '{problem.Detail}' is not exec'd: SIGTERM never reaches the app; end the script with exec.";
}
