using System.CommandLine;
using Handoff.Analysis;
using Handoff.Analysis.Configuration;
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
            paths, format, failOn, ignore,
        };
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            var ignored = (parse.GetValue(ignore) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var inputs = parse.GetValue(paths) ?? [];
            if (!options.TryResolve(parse, inputs, ignored, out var resolved))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var unknown = resolved!.Options.Ignore.Where(id => RuleCatalog.Find(id) is null).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"handoff: unknown rule{(unknown.Count > 1 ? "s" : string.Empty)} in --ignore: {string.Join(", ", unknown)}. Run 'handoff rules' for the list.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var manifests = ManifestSet.Load(inputs, exclude: options.Globs);
            if (!CommonOptions.FoundSomething(manifests, inputs))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var result = Analyzer.Analyze(manifests, resolved.Options);
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

/// <summary>--profile, --k8s-version, --propagation, --drain, --config and --exclude, shared by check, fix and explain.</summary>
internal sealed class CommonOptions
{
    public Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = "Skip paths matching a glob, relative to each directory given ('charts', '*.tpl.yaml', 'overlays/dev/**'); repeatable, added to the configuration file's 'exclude'. See docs/input.md.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The --exclude and configuration-file patterns read by <see cref="TryResolve"/>.</summary>
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
        // Static text: building the command line must not parse the profile catalogue (it would cost every start-up,
        // --version included); 'handoff profiles' lists the ids.
        Description = "Timing profile id ('handoff profiles' lists them), or a custom one from .handoff.yaml. Default: inferred from the manifests, else kube-proxy-small.",
    };

    public Option<string?> Version { get; } = new("--k8s-version")
    {
        Description = $"Target Kubernetes version; decides whether the native preStop 'sleep' action may be used (1.30+). Default: {KubernetesVersion.Default}.",
    };

    public Option<string?> Propagation { get; } = new("--propagation")
    {
        Description = "How long the slowest data plane keeps sending to a terminating pod, as you measured it ('25s', or '5s..25s' for 'up to 25 s'); overrides the profile's numbers for every workload.",
    };

    public Option<string?> Drain { get; } = new("--drain")
    {
        Description = "The app's drain time D for in-flight requests ('30s'); overrides the default 20 s and the handoff.dev/drain-seconds annotations.",
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"The configuration file. Default: the nearest {ConfigReader.FileName} in the checked path's folder or its parents.",
    };

    public IEnumerable<Option> All => [Profile, Version, Propagation, Drain, Config, Exclude];

    /// <summary>Reads the command line and the configuration file; false (errors printed) when either is wrong.</summary>
    public bool TryRead(ParseResult parse, IReadOnlyList<string> paths, out AnalysisOptions options)
    {
        var ok = TryResolve(parse, paths, [], out var resolved);
        options = resolved?.Options ?? new AnalysisOptions();
        return ok;
    }

    /// <summary>Resolves every setting (command line &gt; file &gt; inferred &gt; defaults); false (errors printed) on any problem.</summary>
    public bool TryResolve(ParseResult parse, IReadOnlyList<string> paths, IReadOnlyList<string> ignore, out ResolvedSettings? resolved)
    {
        resolved = null;
        HandoffConfig? file = null;
        var configPath = parse.GetValue(Config);
        if (configPath is not null && !File.Exists(configPath))
        {
            Console.Error.WriteLine($"handoff: --config '{configPath}' does not exist.");
            return false;
        }

        configPath ??= ConfigLocator.Find(paths);
        if (configPath is not null)
        {
            var (config, errors) = ConfigReader.Load(DisplayPath(configPath));
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"handoff: {error}");
            }

            if (errors.Count > 0)
            {
                return false;
            }

            file = config;
        }

        var cli = new CommandLineSettings
        {
            Profile = parse.GetValue(Profile),
            Version = parse.GetValue(Version),
            Propagation = parse.GetValue(Propagation),
            Drain = parse.GetValue(Drain),
            Ignore = ignore,
            Exclude = parse.GetValue(Exclude) ?? [],
        };
        resolved = SettingsResolver.Resolve(cli, file);
        foreach (var error in resolved.Errors)
        {
            Console.Error.WriteLine($"handoff: {error}");
        }

        var globs = new List<PathGlob>();
        foreach (var pattern in resolved.Exclude)
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
        return resolved.Errors.Count == 0;
    }

    // A file below the working folder is shown relative to it, as the user would type it.
    private static string DisplayPath(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
