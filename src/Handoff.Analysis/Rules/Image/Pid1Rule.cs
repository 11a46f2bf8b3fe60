using Handoff.Analysis.Dockerfiles;
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
                    var site = new DockerfileSite(file.DisplayName, at);
                    yield return RuleContext.Report(Violation.InDockerfile(Descriptor, site, Requirement(new ApiField(FieldScope.Dockerfile, at.Keyword), problem)) with { Evidence = problem.Subject });
                }
            }
        }

        foreach (var workload in context.Model.Workloads)
        {
            foreach (var container in workload.Pod.Containers)
            {
                if (CommandLine(container) is not var (argv, field, at))
                {
                    continue;
                }

                foreach (var problem in Pid1Analysis.OfArgv(argv))
                {
                    if (problem.Issue == Issue)
                    {
                        yield return RuleContext.Report(new Violation(Descriptor, workload.Object, Requirement(new ApiField(FieldScope.Container, field), problem))
                        {
                            At = at, Workload = workload, Container = container, Evidence = problem.Subject,
                        });
                    }
                }
            }
        }
    }

    /// <summary>The command that keeps SIGTERM from the app may not be written as it is: the field that starts it, the command, and the script line it is on.</summary>
    private static Forbidden Requirement(ApiField field, Pid1Problem problem) => new(field, problem.Detail)
    {
        WrittenIn = problem is { Script: { } script, Line: { } line } ? new ScriptLine(script, line) : null,
    };

    /// <summary>
    /// The command line a container's spec decides: command + args; or, without command, args that start a shell
    /// or a package manager themselves (the image's ENTRYPOINT either is empty or, like the official language
    /// images' docker-entrypoint.sh, execs its arguments). Null when the image's own command is in force.
    /// </summary>
    private static (IReadOnlyList<string> Argv, string Field, Yaml.YNode At)? CommandLine(Container container)
    {
        if (container.Command is { Count: > 0 } command)
        {
            return ([.. command, .. container.Args ?? []], "command", container.Node["command"] ?? container.Node);
        }

        if (container.Args is { Count: > 0 } args && (Pid1.ShellScript(args) is not null || Pid1.PackageManagerStart(args) is not null))
        {
            return (args, "args", container.Node["args"] ?? container.Node);
        }

        return null;
    }
}
