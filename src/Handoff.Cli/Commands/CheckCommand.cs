using System.CommandLine;
using Handoff.Analysis;
using Handoff.Analysis.Input;
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
            paths, options.Profile, options.Version, options.Exclude, format, failOn, ignore,
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

            var inputs = parse.GetValue(paths) ?? [];
            var manifests = ManifestSet.Load(inputs, exclude: options.Globs);
            if (!CommonOptions.FoundSomething(manifests, inputs))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

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
                    CheckTextRenderer.Render(Terminal.Stdout(), result, threshold, never);
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

/// <summary>--profile, --k8s-version and --exclude, shared by check, fix and explain.</summary>
internal sealed class CommonOptions
{
    public Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = "Skip paths matching a glob, relative to each directory given ('charts', '*.tpl.yaml', 'overlays/dev/**'); repeatable. See docs/input.md.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The --exclude patterns read by <see cref="TryRead"/>.</summary>
    public IReadOnlyList<PathGlob> Globs { get; private set; } = [];

    /// <summary>
    /// Whether the input holds anything to check; else says why on stderr. A run that read no Kubernetes object and
    /// no Dockerfile checked nothing, and must not pass in CI as if it had.
    /// </summary>
    public static bool FoundSomething(ManifestSet manifests, IReadOnlyCollection<string> inputs)
    {
        if (manifests.Objects.Count > 0 || manifests.Dockerfiles.Any() || manifests.Errors.Count > 0)
        {
            return true;
        }

        var what = manifests.Files.Count == 0
            ? "no YAML, JSON or Dockerfile was found"
            : $"{manifests.Files.Count} file{(manifests.Files.Count == 1 ? string.Empty : "s")} read, none holding a Kubernetes object (apiVersion and kind) or a Dockerfile";
        Console.Error.WriteLine($"handoff: nothing to check in {string.Join(", ", inputs.Select(i => $"'{i}'"))}: {what}. Give the rendered manifests (for a chart, the output of 'helm template').");
        return false;
    }

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

        var globs = new List<PathGlob>();
        foreach (var pattern in parse.GetValue(Exclude) ?? [])
        {
            if (PathGlob.TryCreate(pattern, out var problem) is { } glob)
            {
                globs.Add(glob);
            }
            else
            {
                Console.Error.WriteLine($"handoff: {problem}");
                return false;
            }
        }

        Globs = globs;
        options = new AnalysisOptions { Profile = profile, Version = version };
        return true;
    }
}
