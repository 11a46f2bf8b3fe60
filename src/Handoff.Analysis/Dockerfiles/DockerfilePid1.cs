namespace Handoff.Analysis.Dockerfiles;

/// <summary>A PID 1 problem of a Dockerfile, at the instruction that causes it.</summary>
/// <param name="Problem">The problem.</param>
/// <param name="At">The ENTRYPOINT or CMD instruction.</param>
public sealed record DockerfilePid1Problem(Pid1Problem Problem, DockerInstruction At);

/// <summary>Decides what the final stage of a Dockerfile runs as PID 1 and what is wrong with it.</summary>
public static class DockerfilePid1
{
    /// <summary>Largest entrypoint script read from the build context, in bytes.</summary>
    private const long MaxScriptBytes = 1024 * 1024;

    /// <summary>The problems of <paramref name="document"/>'s final stage.</summary>
    public static IReadOnlyList<DockerfilePid1Problem> Analyze(DockerfileDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var config = document.FinalConfig();
        var result = new List<DockerfilePid1Problem>();
        if (config.Entrypoint is { } entrypoint)
        {
            if (entrypoint.ExecForm is not { } entry)
            {
                // Shell-form ENTRYPOINT: /bin/sh -c runs it and CMD is ignored.
                result.AddRange(Pid1Analysis.OfShellText(entrypoint.Arguments).Select(p => new DockerfilePid1Problem(p, entrypoint)));
                return result;
            }

            ScriptText? Read(string path) => ReadScript(document, config, path);
            result.AddRange(Pid1Analysis.OfArgv(entry, Read).Select(p => new DockerfilePid1Problem(p, entrypoint)));

            // An ENTRYPOINT that ends in exec "$@" (or tini --) makes CMD the app's command: judge CMD on its own line.
            if (config.Cmd is null || !Pid1Analysis.PassesArguments(entry, Read))
            {
                return result;
            }
        }

        if (config.Cmd is { } only)
        {
            var problems = only.ExecForm is { } exec
                ? Pid1Analysis.OfArgv(exec, path => ReadScript(document, config, path))
                : Pid1Analysis.OfShellText(only.Arguments);
            result.AddRange(problems.Select(p => new DockerfilePid1Problem(p, only)));
        }

        return result;
    }

    /// <summary>
    /// Finds the script an ENTRYPOINT or CMD names in the build context: through the COPY or ADD that put it in the
    /// image, else by its file name at the context's top.
    /// </summary>
    internal static ScriptText? ReadScript(DockerfileDocument document, ImageConfig config, string path)
    {
        var context = document.ContextDirectory;
        if (context is null)
        {
            return null;
        }

        var name = Pid1.BaseName(path);
        var candidates = new List<string>();
        foreach (var copy in config.Copies)
        {
            var words = copy.ExecForm ?? Pid1.SplitWords(copy.Arguments).ToList();
            if (words.Any(w => w.StartsWith("--from", StringComparison.Ordinal)))
            {
                continue; // Copied from another stage or image, not from the context.
            }

            var operands = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            if (operands.Count < 2)
            {
                continue;
            }

            var destination = operands[^1];
            foreach (var source in operands.Take(operands.Count - 1))
            {
                var sourceName = Pid1.BaseName(source.TrimEnd('/'));
                var destinationName = destination.EndsWith('/') ? sourceName : Pid1.BaseName(destination.TrimEnd('/'));
                if (string.Equals(destinationName, name, StringComparison.Ordinal))
                {
                    candidates.Add(source);
                }

                // A directory copied whole ("COPY . /app", "COPY scripts/ /usr/local/bin/") holds the script by its name.
                candidates.Add(Path.Combine(source, name));
            }
        }

        candidates.Add(name);
        foreach (var candidate in candidates)
        {
            var full = Path.GetFullPath(Path.Combine(context, candidate.TrimStart('/')));
            if (!full.StartsWith(context, StringComparison.Ordinal) || !File.Exists(full))
            {
                continue;
            }

            try
            {
                if (new FileInfo(full).Length > MaxScriptBytes)
                {
                    return null;
                }

                var display = Path.Combine(Path.GetDirectoryName(document.File.DisplayName) ?? string.Empty, Path.GetRelativePath(context, full));
                return new ScriptText(display, File.ReadAllText(full));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        return null;
    }
}
