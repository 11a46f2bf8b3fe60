using System.Text;

namespace Handoff.Analysis.Input;

/// <summary>Limits that keep a hostile or mistaken input from hanging or exhausting the analyzer.</summary>
public sealed record InputLimits
{
    /// <summary>Largest file read, in bytes. Defaults to 16 MiB.</summary>
    /// <remarks>Rendered manifests of large platforms stay well below this; a larger file is almost always a mistake.</remarks>
    public long MaxFileBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of YAML collections. Defaults to 200.</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>Most nodes one document may expand to once aliases are followed. Defaults to 1,000,000.</summary>
    public long MaxExpandedNodes { get; init; } = 1_000_000;

    /// <summary>The defaults.</summary>
    public static InputLimits Default { get; } = new();
}

/// <summary>Turns the paths a user gave into <see cref="SourceFile"/>s, collecting every problem as an <see cref="InputError"/>.</summary>
public static class InputLoader
{
    /// <summary>Reads files, directories (recursively) and "-" (standard input).</summary>
    /// <param name="paths">Files, directories, or "-".</param>
    /// <param name="stdin">Where "-" reads from; <see cref="Console.In"/> when null.</param>
    /// <param name="limits">Size limits; <see cref="InputLimits.Default"/> when null.</param>
    /// <param name="exclude">--exclude patterns (<see cref="PathGlob"/>); none when null.</param>
    /// <returns>The files read, in a stable order, and the errors met.</returns>
    public static (IReadOnlyList<SourceFile> Files, IReadOnlyList<InputError> Errors) Load(
        IEnumerable<string> paths, TextReader? stdin = null, InputLimits? limits = null, IReadOnlyCollection<PathGlob>? exclude = null)
    {
        exclude ??= [];
        ArgumentNullException.ThrowIfNull(paths);
        limits ??= InputLimits.Default;
        var files = new List<SourceFile>();
        var errors = new List<InputError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var path in paths)
        {
            if (path == "-")
            {
                if (seen.Add("-"))
                {
                    var text = (stdin ?? Console.In).ReadToEnd();
                    AddText(files, errors, "-", text, SourceKind.Manifest, limits);
                }

                continue;
            }

            if (Directory.Exists(path))
            {
                foreach (var file in EnumerateDirectory(path, errors))
                {
                    if (IsExcluded(Path.GetRelativePath(path, file), exclude))
                    {
                        continue;
                    }

                    if (seen.Add(Path.GetFullPath(file)))
                    {
                        ReadFile(files, errors, file, KindOf(file)!.Value, limits);
                    }
                }

                continue;
            }

            if (File.Exists(path))
            {
                if (!IsExcluded(path, exclude) && seen.Add(Path.GetFullPath(path)))
                {
                    // A file named explicitly is read even when its name does not look like a manifest.
                    ReadFile(files, errors, path, KindOf(path) ?? SourceKind.Manifest, limits);
                }

                continue;
            }

            errors.Add(new InputError(path, null, null, "No such file or directory."));
        }

        return (files, errors);
    }

    /// <summary>Whether a file's relative path, or one of the folders on it, matches an --exclude pattern.</summary>
    public static bool IsExcluded(string relativePath, IReadOnlyCollection<PathGlob> exclude)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(exclude);
        if (exclude.Count == 0)
        {
            return false;
        }

        var path = relativePath.Replace('\\', '/');
        foreach (var glob in exclude)
        {
            if (glob.Matches(path, isFolder: false))
            {
                return true;
            }

            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                if (glob.Matches(path[..slash], isFolder: true))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Decides from a file name whether it is a manifest, a Dockerfile, or neither (null).</summary>
    public static SourceKind? KindOf(string path)
    {
        var name = Path.GetFileName(path);
        if (name.Equals("Dockerfile", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Dockerfile.", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".Dockerfile", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".Containerfile", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Containerfile", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.Dockerfile;
        }

        var extension = Path.GetExtension(name);
        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return SourceKind.Manifest;
        }

        return null;
    }

    private static List<string> EnumerateDirectory(string directory, List<InputError> errors)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = false,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            ReturnSpecialDirectories = false,
        };
        List<string> found;
        try
        {
            found = Directory.EnumerateFiles(directory, "*", options).Where(f => KindOf(f) is not null).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new InputError(directory, null, null, $"Cannot list the directory: {e.Message}"));
            return [];
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static void ReadFile(List<SourceFile> files, List<InputError> errors, string path, SourceKind kind, InputLimits limits)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > limits.MaxFileBytes)
            {
                errors.Add(new InputError(path, null, null,
                    $"The file is {length / (1024.0 * 1024.0):0.0} MiB; Handoff reads files up to {limits.MaxFileBytes / (1024 * 1024)} MiB. Split it, or check that it is really a manifest."));
                return;
            }

            var bytes = File.ReadAllBytes(path);
            AddBytes(files, errors, path, bytes, kind, limits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new InputError(path, null, null, $"Cannot read the file: {e.Message}"));
        }
    }

    private static void AddBytes(List<SourceFile> files, List<InputError> errors, string path, byte[] bytes, SourceKind kind, InputLimits limits)
    {
        // A NUL byte in the first 8 KiB marks a binary file (the heuristic git and grep use).
        var probe = bytes.AsSpan(0, Math.Min(bytes.Length, 8192));
        if (probe.IndexOf((byte)0) >= 0)
        {
            errors.Add(new InputError(path, null, null, "This is a binary file, not a manifest or Dockerfile."));
            return;
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new InputError(path, null, null, "The file is not valid UTF-8 text."));
            return;
        }

        AddText(files, errors, path, text, kind, limits);
    }

    private static void AddText(List<SourceFile> files, List<InputError> errors, string path, string text, SourceKind kind, InputLimits limits)
    {
        if (text.Length > limits.MaxFileBytes)
        {
            errors.Add(new InputError(path == "-" ? "<stdin>" : path, null, null,
                $"The input is larger than {limits.MaxFileBytes / (1024 * 1024)} MiB; Handoff reads files up to that size."));
            return;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(new InputError(path == "-" ? "<stdin>" : path, null, null, "This is binary data, not a manifest or Dockerfile."));
            return;
        }

        // A byte order mark is not part of the document; remember it so a rewrite keeps it.
        var preamble = "";
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            preamble = "\uFEFF";
            text = text[1..];
        }

        files.Add(new SourceFile(path, text, kind, preamble));
    }
}
