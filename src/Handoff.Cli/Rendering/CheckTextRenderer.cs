using Handoff.Analysis;
using Handoff.Analysis.Configuration;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;
using Spectre.Console;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Cli.Rendering;

/// <summary>Renders 'check' results for people: grouped by file and object, with each workload's time budget.</summary>
internal static class CheckTextRenderer
{
    public static void Render(MarkupWriter output, AnalysisResult result, Severity failOn, bool failNever)
    {
        var files = result.Model.Manifests.Files.Count;
        var unread = result.Model.Manifests.Unread.Count;
        var fileCount = unread == 0 ? $"{files} file{Plural(files)}" : $"{files + unread} files ({unread} not read)";
        var profile = result.Profile;
        output.Line($"[bold]Handoff check[/]: {fileCount}, {result.Model.Objects.Count} object{Plural(result.Model.Objects.Count)}, {result.Model.Workloads.Count} workload{Plural(result.Model.Workloads.Count)}.");
        var perWorkload = result.Budgets.Select(b => b.Profile.Profile.Id).Distinct(StringComparer.Ordinal).Count() > 1;
        output.Line(perWorkload
            ? $"Profiles chosen per workload from the objects linked to each: {Esc(string.Join(", ", result.Budgets.Select(b => b.Profile.Profile.Id).Distinct(StringComparer.Ordinal)))}."
            : $"Profile [bold]{Esc(profile.Profile.Id)}[/] ({Esc(profile.Reason)}): endpoints stop receiving traffic after up to {Seconds(RunPropagation(result))}.");

        // The same object may be defined in several files (naive.yaml and recommended.yaml both define
        // default/frontend), so budgets are found by file and object.
        var budgets = result.Budgets
            .GroupBy(b => (b.Workload.Object.File.DisplayName, b.Workload.Object.Ref))
            .ToDictionary(g => g.Key, g => g.First());
        var groups = result.Findings
            .GroupBy(f => (f.Location.File, f.Object))
            .OrderBy(g => g.Key.File, StringComparer.Ordinal)
            .ThenBy(g => g.Min(f => f.Location.Line));
        string? currentFile = null;
        foreach (var group in groups)
        {
            if (group.Key.File != currentFile)
            {
                currentFile = group.Key.File;
                output.Line();
                output.Line($"[underline]{Esc(currentFile)}[/]");
            }

            var origin = group.First().Location.Origin;
            output.Line($"  [bold]{Esc(group.Key.Object.ToString())}[/]{(origin is null ? string.Empty : $" [dim](from {Esc(origin)})[/]")}");
            if (budgets.TryGetValue((group.Key.File, group.Key.Object), out var budget))
            {
                output.Line($"    [dim]{Esc(budget.Workload.Serving.Reason)}[/]");
                if (budget.Workload.IsServing)
                {
                    output.Line($"    [dim]{Esc(DescribeBudget(budget))}[/]");
                }
            }

            foreach (var f in group.OrderByDescending(f => f.Severity).ThenBy(f => f.Location.Line).ThenBy(f => f.Rule.Id, StringComparer.Ordinal))
            {
                output.Line($"    {Badge(f.Severity)} [bold]{f.Rule.Id}[/] {Esc(f.Rule.Name)} [dim]{Esc(f.Location.File)}:{f.Location.Line}:{f.Location.Column}[/]");
                output.Line($"             {Esc(f.Message)}");
                output.Line($"             [dim]fix: {Esc(f.Rule.Remediation)}[/]");
            }
        }

        var flagged = result.Findings.Select(f => (f.Location.File, f.Object)).ToHashSet();
        var clean = result.Budgets.Where(b => b.Workload.IsServing && !flagged.Contains((b.Workload.Object.File.DisplayName, b.Workload.Object.Ref))).ToList();
        if (clean.Count > 0)
        {
            output.Line();
            foreach (var budget in clean)
            {
                output.Line($"  [green]ok[/] [bold]{Esc(budget.Workload.Object.Ref.ToString())}[/] [dim]({Esc(budget.Workload.Object.File.DisplayName)})[/]");
                output.Line($"    [dim]{Esc(budget.Workload.Serving.Reason)}[/]");
                output.Line($"    [dim]{Esc(DescribeBudget(budget))}[/]");
            }
        }

        // Workloads that serve nothing and drew no finding: say why the traffic rules left them alone.
        var quiet = result.Model.Workloads.Where(w => !w.IsServing && !flagged.Contains((w.Object.File.DisplayName, w.Object.Ref))).ToList();
        if (quiet.Count > 0)
        {
            output.Line();
            foreach (var workload in quiet)
            {
                output.Line($"  [dim]--[/] [bold]{Esc(workload.Object.Ref.ToString())}[/] [dim]({Esc(workload.Object.File.DisplayName)})[/]");
                output.Line($"    [dim]{Esc(workload.Serving.Reason)}; rules about traffic do not apply[/]");
            }
        }

        if (result.Model.Notes.Count > 0)
        {
            output.Line();
            foreach (var note in result.Model.Notes)
            {
                output.Line($"  [dim]note[/] {Esc(note.Message)}");
            }
        }

        output.Line();
        var errors = result.Findings.Count(f => f.Severity == Severity.Error);
        var warnings = result.Findings.Count(f => f.Severity == Severity.Warning);
        var infos = result.Findings.Count(f => f.Severity == Severity.Info);
        var failing = failNever ? 0 : result.Findings.Count(f => f.Severity >= failOn);
        var verdict = result.Errors.Count > 0 ? "[red]input errors[/]"
            : failing > 0 ? $"[red]failed[/] ({failing} at or above --fail-on {JsonReportName(failOn)})"
            : "[green]passed[/]";
        var suppressed = result.Suppressed.Count > 0 ? $", {result.Suppressed.Count} suppressed" : string.Empty;
        output.Line($"{errors} error{Plural(errors)}, {warnings} warning{Plural(warnings)}, {infos} info{suppressed}; {result.Errors.Count} input error{Plural(result.Errors.Count)}: {verdict}.");
    }

    public static string DescribeBudget(TimeBudget b)
    {
        var preStop = b.PreStopSource switch
        {
            PreStopSource.None => "no preStop",
            PreStopSource.Unknown => "preStop of unknown length",
            _ => $"preStop {Seconds(b.PreStopSeconds)}",
        };
        var profile = $"profile {b.Profile.Profile.Id} ({b.Profile.Reason}); ";
        var delay = b.InAppDelaySeconds > 0 ? $" + in-app delay {Seconds(b.InAppDelaySeconds)}{(b.InAppDelayFromAppSettings ? $" ({b.InAppDelayOrigin!.Text})" : string.Empty)}" : string.Empty;
        var planes = b.PropagationGiven
            ? $"{Seconds(b.PropagationSeconds)}, your number ({b.PropagationOrigin!.Text})"
            : string.Join(", ", b.Planes.Select(p => $"{p.Name} {Seconds(p.PropagationSeconds)}"));
        var drainFrom = b.DrainOrigin is { Kind: not OriginKind.Annotation } origin ? $"; drain {Seconds(b.DrainSeconds)} ({origin.Text})" : string.Empty;
        return $"{profile}budget: {preStop}{delay}; SIGTERM at {Seconds(b.SigtermAtSeconds)}, stops listening at {Seconds(b.StopListeningSeconds)}, SIGKILL at {Seconds(b.SigkillAtSeconds)}; endpoints removed after {planes}{drainFrom}; exposure {Seconds(b.ExposureSeconds)}.";
    }

    /// <summary>
    /// The slowest plane of the run as computed for its workloads (a relation can set it per workload: GKE's
    /// drainingTimeoutSec, a LoadBalancer Service's health check); the profile's own figure when there is no workload.
    /// </summary>
    private static double RunPropagation(AnalysisResult result) =>
        result.Budgets.Count == 0 ? result.Profile.Profile.PropagationSeconds : result.Budgets.Max(b => b.PropagationSeconds);

    private static string Badge(Severity severity) => severity switch
    {
        Severity.Error => "[red]error  [/]",
        Severity.Warning => "[yellow]warning[/]",
        _ => "[blue]info   [/]",
    };

    private static string JsonReportName(Severity s) => Handoff.Analysis.Reporting.JsonReport.SeverityName(s);

    private static string Plural(int n) => n == 1 ? string.Empty : "s";

    private static string Esc(string text) => Markup.Escape(text);
}
