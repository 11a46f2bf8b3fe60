using System.CommandLine;
using System.Text;
using Handoff.Analysis;
using Handoff.Analysis.Fixes;
using Handoff.Analysis.Fixes.Patches;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;

namespace Handoff.Cli.Commands;

/// <summary>'handoff fix': repairs manifests in place of the user, keeping every byte it does not mean to change.</summary>
/// <remarks>
/// Exit codes: 0 nothing to fix, or fixes written; 1 with --dry-run (the default) when fixes are pending, so CI can
/// fail on them like 'diff' does; 2 usage or input errors (other files are still processed).
/// </remarks>
internal static class FixCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Manifest files or directories to fix, or '-' for standard input (not with --write).",
            Arity = ArgumentArity.OneOrMore,
        };
        var options = new CommonOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the changes as a unified diff and change nothing (the default)." };
        var write = new Option<bool>("--write") { Description = "Write the fixed files in place." };
        var patch = new Option<string?>("--patch") { Description = "Write kustomize patches instead of editing: 'kustomize' (strategic merge) or 'json6902'." };
        patch.AcceptOnlyFromAmong("kustomize", "json6902");
        var output = new Option<string>("--out")
        {
            Description = "Directory for --patch output (a kustomization.yaml and the patches).",
            DefaultValueFactory = _ => "handoff-patches",
        };

        var command = new Command("fix", "Fix what 'check' finds: preStop sleep, grace period, rolling update, minReadySeconds, PodDisruptionBudget; prints a diff unless --write or --patch.")
        {
            paths, dryRun, write, patch, output,
        };
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((ParseResult parse, CancellationToken cancellationToken) =>
        {
            if (!options.TryRead(parse, parse.GetValue(paths) ?? [], out var analysisOptions))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var inputs = parse.GetValue(paths) ?? [];
            var writing = parse.GetValue(write);
            var patchKind = parse.GetValue(patch);
            if (writing && (parse.GetValue(dryRun) || patchKind is not null))
            {
                Console.Error.WriteLine("handoff: --write cannot be combined with --dry-run or --patch.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            if (writing && inputs.Contains("-"))
            {
                Console.Error.WriteLine("handoff: cannot --write standard input; use --dry-run (a diff) or --patch.");
                return Task.FromResult(CliHost.UsageOrInput);
            }

            var manifests = ManifestSet.Load(inputs, exclude: options.Globs);
            if (!CommonOptions.FoundSomething(manifests, inputs))
            {
                return Task.FromResult(CliHost.UsageOrInput);
            }
            var result = FixPlanner.Run(manifests, analysisOptions);
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"handoff: {error}");
            }

            foreach (var fix in result.Advice)
            {
                Console.Error.WriteLine($"handoff: {fix.File}:{fix.Line}: {fix.RuleId} {fix.Object}: {fix.Description}");
            }

            foreach (var fix in result.Unresolved)
            {
                Console.Error.WriteLine($"handoff: {fix.File}:{fix.Line}: {fix.RuleId} {fix.Object} is still reported after fixing; please report this.");
            }

            int code;
            if (patchKind is not null)
            {
                code = WritePatches(result, patchKind, parse.GetValue(output) ?? "handoff-patches");
            }
            else if (writing)
            {
                code = WriteFiles(result, cancellationToken);
            }
            else
            {
                code = PrintDiff(result);
            }

            return Task.FromResult(result.Errors.Count > 0 ? CliHost.UsageOrInput : code);
        });
        return command;
    }

    private static int PrintDiff(FixResult result)
    {
        var any = false;
        using var stdout = Console.OpenStandardOutput();
        foreach (var change in result.Files.Where(c => c.Changed))
        {
            var name = DiffName(change.Original.Path);
            var diff = UnifiedDiff.Create(change.Original.Text, change.Text, "a/" + name, "b/" + name);
            var bytes = new UTF8Encoding(false).GetBytes(diff);
            stdout.Write(bytes);
            any = true;
        }

        stdout.Flush();
        foreach (var fix in result.Applied)
        {
            Console.Error.WriteLine($"handoff: {fix.File}:{fix.Line}: {fix.Rules} {fix.Object}: {fix.Description}");
        }

        Console.Error.WriteLine(any
            ? $"handoff: {result.Applied.Count} fix{(result.Applied.Count == 1 ? string.Empty : "es")} pending in {result.Files.Count(f => f.Changed)} file(s); run with --write to apply them."
            : "handoff: nothing to fix.");
        return any ? CliHost.Findings : CliHost.Ok;
    }

    private static int WriteFiles(FixResult result, CancellationToken cancellationToken)
    {
        var code = CliHost.Ok;
        foreach (var change in result.Files.Where(c => c.Changed))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = change.Original.Path;
            try
            {
                // Write beside the file, then move over it: an interrupted write never leaves half a manifest.
                var temp = path + ".handoff-tmp";
                File.WriteAllText(temp, change.Original.Preamble + change.Text, new UTF8Encoding(false));
                File.Move(temp, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"handoff: {path}: cannot write the fixed file: {e.Message}");
                code = CliHost.UsageOrInput;
                continue;
            }

            var fixes = result.Applied.Where(f => f.File == change.Original.DisplayName).ToList();
            Console.Out.WriteLine($"fixed {path}: {fixes.Count} fix{(fixes.Count == 1 ? string.Empty : "es")}");
            foreach (var fix in fixes)
            {
                Console.Out.WriteLine($"  {fix.Rules} {fix.Object}: {fix.Description}");
            }
        }

        if (!result.Files.Any(c => c.Changed))
        {
            Console.Out.WriteLine("nothing to fix.");
        }

        return code;
    }

    private static int WritePatches(FixResult result, string kind, string directory)
    {
        try
        {
            var written = PatchWriter.Write(result, kind == "json6902" ? PatchKind.Json6902 : PatchKind.StrategicMerge, directory, Directory.GetCurrentDirectory());
            foreach (var file in written)
            {
                Console.Out.WriteLine($"wrote {file}");
            }

            if (written.Count == 0)
            {
                Console.Out.WriteLine("nothing to fix.");
            }

            return CliHost.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"handoff: {directory}: cannot write the patches: {e.Message}");
            return CliHost.UsageOrInput;
        }
        catch (PatchException e)
        {
            Console.Error.WriteLine($"handoff: {e.Message}");
            return CliHost.UsageOrInput;
        }
    }

    private static string DiffName(string path)
    {
        if (path == "-")
        {
            return "stdin";
        }

        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.GetFullPath(path));
        var name = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
        return name.Replace('\\', '/').TrimStart('/');
    }
}
