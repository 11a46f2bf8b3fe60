namespace Handoff.Analysis.Configuration;

/// <summary>Finds the .handoff.yaml that applies to the checked paths: in the first path's folder or one of its parents.</summary>
public static class ConfigLocator
{
    /// <summary>The nearest .handoff.yaml for <paramref name="paths"/> (standard input, "-", looks from the working folder), or null.</summary>
    public static string? Find(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var first = paths.FirstOrDefault() ?? ".";
        var start = first == "-" ? Directory.GetCurrentDirectory()
            : Directory.Exists(first) ? Path.GetFullPath(first)
            : Path.GetDirectoryName(Path.GetFullPath(first)) ?? Directory.GetCurrentDirectory();
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, ConfigReader.FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
