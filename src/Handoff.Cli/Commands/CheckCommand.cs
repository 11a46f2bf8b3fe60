using System.CommandLine;
using Handoff.Analysis;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Reporting;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;
using Handoff.Cli.Rendering;

namespace Handoff.Cli.Commands;

/// <summary>'handoff check': finds the termination race in manifests and Dockerfiles.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Files or directories to check (YAML, JSON, Dockerfiles; directories are searched recursively), or '-' for standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var options = new CommonOptions();
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "sarif");
        var failOn = new Option<string>("--fail-on") { Description = "Lowest severity that makes the exit code 1.", DefaultValueFactory = _ => "error" };
        failOn.AcceptOnlyFromAmong("error", "warning", "info", "never");
        var ignore = new Option<string[]>("--ignore")
        {
            Description = "Rule ids or names to skip, comma-separated or repeated (for example HO203,HO305).",
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new Command("check", "Find the termination race in Kubernetes manifests and Dockerfiles: preStop, grace period, rollout strategy, probes.")
        {
            paths, options.Profile, options.Version, format, failOn, ignore,
        };
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            if (!options.TryRead(parse, out var analysisOptions))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var ignored = (parse.GetValue(ignore) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var unknown = ignored.Where(id => RuleCatalog.Find(id) is null).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"handoff: unknown rule{(unknown.Count > 1 ? "s" : string.Empty)} in --ignore: {string.Join(", ", unknown)}. Run 'handoff rules' for the list.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var manifests = ManifestSet.Load(parse.GetValue(paths) ?? []);
            var result = Analyzer.Analyze(manifests, analysisOptions with { Ignore = ignored });
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"handoff: {error}");
            }

            var failOnValue = parse.GetValue(failOn) ?? "error";
            var threshold = failOnValue switch { "warning" => Severity.Warning, "info" => Severity.Info, _ => Severity.Error };
            var never = failOnValue == "never";
            switch (parse.GetValue(format))
            {
                case "json":
                    WriteToStdout(s => JsonReport.Write(result, s));
                    break;
                case "sarif":
                    WriteToStdout(s => SarifReport.Write(result, s, Terminal.Version));
                    break;
                default:
                    using (var output = MarkupWriter.Stdout())
                    {
                        CheckTextRenderer.Render(output, result, threshold, never);
                    }
                    break;
            }

            var code = result.Errors.Count > 0 ? CliHost.UsageOrInput
                : !never && result.Findings.Any(f => f.Severity >= threshold) ? CliHost.Findings
                : CliHost.Ok;
            return Task.FromResult(code);
        });
        return command;
    }

    internal static void WriteToStdout(Action<Stream> write)
    {
        using var stdout = Console.OpenStandardOutput();
        write(stdout);
        stdout.WriteByte((byte)'\n');
        stdout.Flush();
    }
}

/// <summary>--profile and --k8s-version, shared by check, fix and explain.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = $"Timing profile: {string.Join(", ", Profiles.All.Select(p => p.Id))}. Default: inferred from the manifests, else {Profiles.Default.Id}.",
    };

    public Option<string> Version { get; } = new("--k8s-version")
    {
        Description = "Target Kubernetes version; decides whether the native preStop 'sleep' action may be used (1.30+).",
        DefaultValueFactory = _ => KubernetesVersion.Default.ToString(),
    };

    public bool TryRead(ParseResult parse, out AnalysisOptions options)
    {
        options = new AnalysisOptions();
        var profile = parse.GetValue(Profile);
        if (profile is not null && Profiles.Find(profile) is null)
        {
            Console.Error.WriteLine($"handoff: unknown profile '{profile}'. Known profiles: {string.Join(", ", Profiles.All.Select(p => p.Id))}.");
            return false;
        }

        var versionText = parse.GetValue(Version);
        if (!KubernetesVersion.TryParse(versionText, out var version))
        {
            Console.Error.WriteLine($"handoff: --k8s-version '{versionText}' is not a version like 1.32.");
            return false;
        }

        options = new AnalysisOptions { Profile = profile, Version = version };
        return true;
    }
}
