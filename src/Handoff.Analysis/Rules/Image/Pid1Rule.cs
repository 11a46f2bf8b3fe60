using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Rules.Image;

/// <summary>
/// The shared shape of the PID 1 rules (HO401-HO403): each reports one <see cref="Pid1Issue"/>, in the final stage
/// of every Dockerfile of the input and in the 'command' of every container of the manifests.
/// </summary>
public abstract class Pid1Rule : IRule
{
    /// <inheritdoc/>
    public abstract RuleDescriptor Descriptor { get; }

    /// <summary>The problem this rule reports.</summary>
    protected abstract Pid1Issue Issue { get; }

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var file in context.Model.Manifests.Dockerfiles)
        {
            var document = DockerfileParser.Parse(file);
            foreach (var (problem, at) in DockerfilePid1.Analyze(document))
            {
                if (problem.Issue == Issue)
                {
                    yield return DockerfileFinding(Descriptor, file.DisplayName, at, DockerfileMessage(problem, at));
                }
            }
        }

        foreach (var workload in context.Model.Workloads)
        {
            foreach (var container in workload.Pod.Containers)
            {
                if (container.Command is not { Count: > 0 } command)
                {
                    continue; // The image's ENTRYPOINT is in force; its Dockerfile is judged on its own.
                }

                var argv = command.Concat(container.Args ?? []).ToList();
                foreach (var problem in Pid1Analysis.OfArgv(argv))
                {
                    if (problem.Issue == Issue)
                    {
                        yield return RuleContext.Report(Descriptor, workload.Object, container.Node["command"] ?? container.Node,
                            ContainerMessage(problem, container), container.Name);
                    }
                }
            }
        }
    }

    /// <summary>Makes a finding on a Dockerfile instruction.</summary>
    public static Finding DockerfileFinding(RuleDescriptor rule, string file, DockerInstruction at, string message, Severity? severity = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(at);
        return new Finding(rule, severity ?? rule.Severity, message, new SourceLocation(file, at.Line, at.Column), new ObjectRef("Dockerfile", string.Empty, file), null);
    }

    /// <summary>The message for a problem in a Dockerfile.</summary>
    protected abstract string DockerfileMessage(Pid1Problem problem, DockerInstruction at);

    /// <summary>The message for a problem in a container's command.</summary>
    protected abstract string ContainerMessage(Pid1Problem problem, Container container);
}
