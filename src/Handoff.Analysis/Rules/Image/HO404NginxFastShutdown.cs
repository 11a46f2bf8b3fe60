using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Images;
using Handoff.Analysis.Model;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Rules.Image;

/// <summary>HO404: nginx gets SIGTERM, which it treats as "fast shutdown", dropping open connections.</summary>
public sealed class HO404NginxFastShutdown : IRule
{
    /// <summary>The rule's descriptor.</summary>
    public static RuleDescriptor Rule { get; } = new(
        "HO404", "nginx-fast-shutdown", Severity.Warning, "Image",
        "nginx is stopped with SIGTERM, which nginx treats as fast shutdown (open connections are closed at once); only SIGQUIT drains. Official nginx images before 1.19.5 (mainline) and 1.20.0 (stable) set STOPSIGNAL SIGTERM.",
        "Use an nginx image that sets STOPSIGNAL SIGQUIT (official nginx 1.19.5 or later), add 'STOPSIGNAL SIGQUIT' to the Dockerfile, or run 'nginx -s quit' in the preStop hook after the sleep.",
        [.. ImageKnowledge.NginxSources, "https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/"]);

    /// <inheritdoc/>
    public RuleDescriptor Descriptor => Rule;

    private const string Sigquit = "SIGQUIT";

    private static readonly ApiField StopSignalInstruction = new(FieldScope.Dockerfile, "STOPSIGNAL");

    private static readonly ApiField ContainerStopSignal = new(FieldScope.Container, "lifecycle.stopSignal");

    /// <inheritdoc/>
    public IEnumerable<Finding> Evaluate(RuleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var file in context.Model.Manifests.Dockerfiles)
        {
            var config = DockerfileParser.Parse(file).FinalConfig();
            var nginxBase = ImageKnowledge.IsNginx(config.BaseImage);
            var runsNginx = RunsNginx(config);
            if (config.BaseFrom is null || !(nginxBase || runsNginx))
            {
                continue;
            }

            if (config.StopSignal is { } explicitSignal)
            {
                if (IsTerm(explicitSignal.Arguments))
                {
                    yield return InDockerfile(file.DisplayName, explicitSignal, new EqualTo(StopSignalInstruction, Sigquit, explicitSignal.Arguments), "dockerfile-stop-signal", null);
                }
            }
            else if (nginxBase && ImageKnowledge.NginxStopSignal(config.BaseImage) == "SIGTERM")
            {
                yield return InDockerfile(file.DisplayName, config.BaseFrom, new EqualTo(StopSignalInstruction, Sigquit, "SIGTERM") { Defaulted = true }, "base-image", config.BaseImage);
            }
            else if (!nginxBase && ImageKnowledge.IsPlainOsBase(config.BaseImage) && (config.Entrypoint ?? config.Cmd) is { } start)
            {
                yield return InDockerfile(file.DisplayName, start, new EqualTo(StopSignalInstruction, Sigquit, null), "plain-base", config.BaseImage);
            }
        }

        foreach (var workload in context.Model.Workloads.Where(w => w.IsServing))
        {
            foreach (var container in workload.Pod.Containers)
            {
                if (!ImageKnowledge.IsNginx(container.Image) || QuitsInPreStop(container))
                {
                    continue;
                }

                var stopSignal = (container.Node["lifecycle"] as YMap)?["stopSignal"] as YScalar;
                if (stopSignal is not null)
                {
                    if (IsTerm(stopSignal.Value))
                    {
                        yield return RuleContext.Report(new Violation(Rule, workload.Object, new EqualTo(ContainerStopSignal, Sigquit, stopSignal.Value))
                        {
                            At = stopSignal, Workload = workload, Container = container, Case = "container-stop-signal",
                        });
                    }

                    continue;
                }

                if (ImageKnowledge.NginxStopSignal(container.Image) == "SIGTERM")
                {
                    yield return RuleContext.Report(new Violation(Rule, workload.Object, new EqualTo(ContainerStopSignal, Sigquit, null))
                    {
                        At = container.Node["image"] ?? container.Node, Workload = workload, Container = container, Case = "image",
                    });
                }
            }
        }
    }

    private static Finding InDockerfile(string file, DockerInstruction at, EqualTo requirement, string @case, string? baseImage) =>
        RuleContext.Report(Violation.InDockerfile(Rule, new DockerfileSite(file, at), requirement) with { Case = @case, Evidence = baseImage });

    /// <summary>Whether the final command starts nginx itself (exec form, or a shell form whose last command is nginx).</summary>
    private static bool RunsNginx(ImageConfig config)
    {
        var start = config.Entrypoint ?? config.Cmd;
        var words = start?.ExecForm ?? (start is null ? null : Pid1.LastCommand(start.Arguments)?.Words);
        return words is { Count: > 0 } && Pid1.BaseName(words[0]) == "nginx";
    }

    private static bool IsTerm(string signal) => signal.Trim().ToUpperInvariant() is "SIGTERM" or "TERM" or "15";

    private static bool QuitsInPreStop(Container container) =>
        container.PreStop is { Kind: HandlerKind.Exec } hook && string.Join(' ', hook.Command) is var text
        && text.Contains("nginx", StringComparison.Ordinal) && text.Contains("quit", StringComparison.Ordinal);
}
