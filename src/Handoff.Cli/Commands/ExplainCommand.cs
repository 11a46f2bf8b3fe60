using System.CommandLine;
using Handoff.Analysis;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Manifests;
using Handoff.Cli.Rendering;

namespace Handoff.Cli.Commands;

/// <summary>'handoff explain': draws each workload's termination timeline for its own numbers.</summary>
/// <remarks>Exit codes: 0 drawn (whatever the exposure), 2 usage or input errors (other files are still drawn).</remarks>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Manifest files or directories, or '-' for standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var options = new CommonOptions();
        var workload = new Option<string?>("--workload") { Description = "Only the workload with this name." };
        var rps = new Option<double>("--rps") { Description = "Requests per second to one pod, for the expected failed requests.", DefaultValueFactory = _ => 100 };
        var serviceRps = new Option<double?>("--service-rps")
        {
            Description = "Requests per second to the whole Service: estimates the rollout's failed requests pod by pod, shared by the endpoints in the load balancer at each moment.",
        };
        var podStart = new Option<double>("--pod-start-seconds")
        {
            Description = "Seconds from creating a pod to its readiness, for the rollout estimate.",
            DefaultValueFactory = _ => 10,
        };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "svg");

        var command = new Command("explain", "Draw each workload's termination timeline: Track A (preStop, SIGTERM, drain, SIGKILL) beside Track B (each data plane), the exposure window, failed requests and rollout cost.")
        {
            paths, workload, rps, serviceRps, podStart, format,
        };
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            if (!options.TryRead(parse, parse.GetValue(paths) ?? [], out var analysisOptions))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var requestsPerSecond = parse.GetValue(rps);
            var startSeconds = parse.GetValue(podStart);
            var serviceRate = parse.GetValue(serviceRps);
            if (requestsPerSecond < 0 || startSeconds < 0 || double.IsNaN(requestsPerSecond) || double.IsNaN(startSeconds) || serviceRate is < 0 or double.NaN)
            {
                Console.Error.WriteLine("handoff: --rps, --service-rps and --pod-start-seconds must be 0 or more.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var inputs = parse.GetValue(paths) ?? [];
            var manifests = ManifestSet.Load(inputs, exclude: options.Globs);
            if (!CommonOptions.FoundSomething(manifests, inputs))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var result = Analyzer.Analyze(manifests, analysisOptions);
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"handoff: {error}");
            }

            var name = parse.GetValue(workload);
            var timelines = WorkloadTimeline.FromAnalysis(result, requestsPerSecond, startSeconds, name, serviceRate);
            if (name is not null && timelines.Count == 0)
            {
                Console.Error.WriteLine($"handoff: no workload named '{name}' in the input.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            switch (parse.GetValue(format))
            {
                case "json":
                    CheckCommand.WriteToStdout(s => TimelineJson.Write(timelines, s));
                    break;
                case "svg":
                    CheckCommand.WriteToStdout(s => TimelineSvg.Create(timelines).Save(s));
                    break;
                default:
                    if (timelines.Count == 0)
                    {
                        Console.Out.WriteLine("No workloads in the input.");
                    }

                    ExplainTextRenderer.Render(Terminal.Stdout(), timelines);
                    break;
            }

            return Task.FromResult(result.Errors.Count > 0 ? CliHost.UsageOrInput : CliHost.Ok);
        });
        return command;
    }
}
