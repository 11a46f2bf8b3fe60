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
                if (CommandLine(container) is not var (argv, at))
                {
                    continue;
                }

                foreach (var problem in Pid1Analysis.OfArgv(argv))
                {
                    if (problem.Issue == Issue)
                    {
                        yield return RuleContext.Report(Descriptor, workload.Object, at, ContainerMessage(problem, container), container.Name);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The command line a container's spec decides: command + args; or, without command, args that start a shell
    /// or a package manager themselves (the image's ENTRYPOINT either is empty or, like the official language
    /// images' docker-entrypoint.sh, execs its arguments). Null when the image's own command is in force.
    /// </summary>
    private static (IReadOnlyList<string> Argv, Yaml.YNode At)? CommandLine(Container container)
    {
        if (container.Command is { Count: > 0 } command)
        {
            return ([.. command, .. container.Args ?? []], container.Node["command"] ?? container.Node);
        }

        if (container.Args is { Count: > 0 } args && (Pid1.ShellScript(args) is not null || Pid1.PackageManagerStart(args) is not null))
        {
            return (args, container.Node["args"] ?? container.Node);
        }

        return null;
    }

    /// <summary>Makes a finding on a Dockerfile instruction.</summary>
    public static Finding DockerfileFinding(RuleDescriptor rule, string file, DockerInstruction at, string message, Severity? severity = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(at);
        return new Finding(rule, severity ?? rule.Severity, message, new SourceLocation(file, at.Line, at.Column), DockerfileRef(file), null);
    }

    /// <summary>
    /// How a Dockerfile is named where findings name objects: kind "Dockerfile", its directory as the namespace and
    /// its file name as the name, so that text output reads "Dockerfile samples/docker/Dockerfile".
    /// </summary>
    public static ObjectRef DockerfileRef(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var directory = Path.GetDirectoryName(file);
        return new ObjectRef("Dockerfile", string.IsNullOrEmpty(directory) ? "." : directory.Replace('\\', '/'), Path.GetFileName(file));
    }

    /// <summary>The message for a problem in a Dockerfile.</summary>
    protected abstract string DockerfileMessage(Pid1Problem problem, DockerInstruction at);

    /// <summary>The message for a problem in a container's command.</summary>
    protected abstract string ContainerMessage(Pid1Problem problem, Container container);
}
