using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Image;

/// <summary>HO402: npm, yarn or pnpm starts the app, so the app is not PID 1.</summary>
public sealed class HO402PackageManagerAsPid1 : Pid1Rule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO402", "package-manager-as-pid1", Severity.Warning, "Image",
        "npm, yarn or pnpm starts the app (Dockerfile CMD/ENTRYPOINT, an entrypoint script, or a container command): the package manager runs the start script in a child shell and does not reliably pass SIGTERM on, so the app may never drain.",
        "Start the runtime directly (CMD [\"node\", \"server.js\"]), the command the start script would have run.",
        ["https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#cmd", "https://docs.docker.com/reference/dockerfile/#entrypoint"])
    {
        Scope = RuleScope.ServingContainer,
    };

    /// <inheritdoc/>
    public override RuleDescriptor Descriptor => Rule;

    /// <inheritdoc/>
    protected override Pid1Issue Issue => Pid1Issue.PackageManager;

    /// <inheritdoc/>
    protected override string DockerfileMessage(Pid1Problem problem, DockerInstruction at) => problem.Script is { } script
        ? $"{at.Keyword} runs '{script}', which ends with '{problem.Detail}' (line {problem.Line}): '{problem.Subject}' runs the app in a child shell and SIGTERM may never reach it; start the runtime directly."
        : $"{at.Keyword} runs '{problem.Subject}': the package manager runs the app in a child shell and SIGTERM may never reach it; start the runtime directly, for example CMD [\"node\", \"server.js\"].";

    /// <inheritdoc/>
    protected override string ContainerMessage(Pid1Problem problem, Container container) =>
        $"Container '{container.Name}' starts with '{problem.Subject}': the package manager runs the app in a child shell and SIGTERM may never reach it; set 'command' to the runtime itself, for example [\"node\", \"server.js\"].";
}
