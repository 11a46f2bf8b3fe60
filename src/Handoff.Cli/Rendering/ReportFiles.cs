using Handoff.Rollout.Reports;

namespace Handoff.Cli.Rendering;

/// <summary>Writes a rollout report (lab or verify) as report.html, report.json and report.txt in a folder.</summary>
internal static class ReportFiles
{
    public static async Task WriteAsync(RolloutReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.html"), HtmlReport.Render(report), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.json"), JsonReport.Render(report), CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(directory, "report.txt"), TextReport.Render(report), CancellationToken.None);
        await Console.Error.WriteLineAsync($"handoff: report written to {Path.GetFullPath(directory)}/report.html");
    }
}
