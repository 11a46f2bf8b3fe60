using System.CommandLine;
using System.Globalization;
using Handoff.Analysis.Configuration;
using Handoff.Rollout.Attribution;

namespace Handoff.Cli.Commands;

/// <summary>--write-config FILE of 'lab' and 'verify': the measured propagation plus a margin, merged into a .handoff.yaml.</summary>
internal static class WriteConfigOption
{
    public static Option<string?> Create() => new("--write-config")
    {
        Description = "After the run, write the measured propagation (the longest one seen, + 25 %, at least + 1 s) into this .handoff.yaml (created, or merged: only the 'propagation' key changes) for 'check --config' and 'fix --config'.",
    };

    /// <summary>What is wrong with --write-config FILE before the run (a missing folder, a file with errors), or nothing.</summary>
    public static IReadOnlyList<string> Problems(string? path)
    {
        if (path is null)
        {
            return [];
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            return [$"--write-config: the folder '{folder}' does not exist."];
        }

        if (!File.Exists(path))
        {
            return [];
        }

        // Found now, not after a run of minutes: a file that does not read is never merged into.
        var (_, errors) = ConfigReader.Load(path);
        return [.. errors.Select(e => $"--write-config: {e}")];
    }

    /// <summary>Writes the file; false (after saying why on stderr) when nothing could be measured or the file cannot be merged.</summary>
    public static async Task<bool> WriteAsync(string path, PropagationMeasurement measured, string command, TimeProvider time)
    {
        var (value, reason) = measured.ForConfig();
        if (value is not { } propagation)
        {
            await Console.Error.WriteLineAsync($"handoff {command}: --write-config {path}: not written: {reason}");
            return false;
        }

        string? existing;
        try
        {
            existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"handoff {command}: --write-config {path}: cannot be read: {ex.Message}");
            return false;
        }

        var date = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var merge = PropagationConfigWriter.Merge(path, existing, PropagationConfigWriter.Seconds(propagation), $"measured by handoff {command}, {date}: {reason}");
        if (merge.Text is null)
        {
            foreach (var error in merge.Errors)
            {
                await Console.Error.WriteLineAsync($"handoff {command}: --write-config: {error}");
            }

            return false;
        }

        try
        {
            // Written beside the file and moved over it: a failed write never leaves half a file.
            var temporary = path + ".handoff-tmp";
            await File.WriteAllTextAsync(temporary, merge.Text);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"handoff {command}: --write-config {path}: cannot be written: {ex.Message}");
            return false;
        }

        await Console.Error.WriteLineAsync($"handoff {command}: wrote {merge.Change}; {reason}.");
        return true;
    }
}
