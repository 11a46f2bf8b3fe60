using System.Text.Encodings.Web;
using System.Text.Json;
using Handoff.Analysis.Configuration;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Reporting;

/// <summary>Writes the --format json shape of 'check' (DESIGN.md, command-line contract).</summary>
public static class JsonReport
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes the report to <paramref name="stream"/>.</summary>
    public static void Write(AnalysisResult result, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(stream, Options);
        w.WriteStartObject();
        w.WriteStartArray("findings");
        foreach (var f in result.Findings)
        {
            WriteFinding(w, f);
        }

        w.WriteEndArray();
        w.WriteStartArray("errors");
        foreach (var e in result.Errors)
        {
            w.WriteStartObject();
            w.WriteString("file", e.File);
            if (e.Line is { } line)
            {
                w.WriteNumber("line", line);
            }
            else
            {
                w.WriteNull("line");
            }

            w.WriteString("message", e.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (var note in result.Model.Notes)
        {
            w.WriteStartObject();
            w.WriteString("id", note.Id);
            w.WriteString("message", note.Message);
            w.WriteStartArray("places");
            foreach (var place in note.Places)
            {
                w.WriteStartObject();
                w.WriteString("file", place.File);
                w.WriteNumber("line", place.Line);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteWorkloads(w, result);
        w.WriteStartObject("summary");
        w.WriteString("profile", result.Profile.Profile.Id);
        w.WriteString("profileReason", result.Profile.Reason);
        w.WriteNumber("files", result.Model.Manifests.Files.Count);
        w.WriteNumber("filesNotRead", result.Model.Manifests.Unread.Count);
        w.WriteNumber("objects", result.Model.Objects.Count);
        w.WriteNumber("workloads", result.Model.Workloads.Count);
        w.WriteNumber("errors", result.Findings.Count(f => f.Severity == Severity.Error));
        w.WriteNumber("warnings", result.Findings.Count(f => f.Severity == Severity.Warning));
        w.WriteNumber("infos", result.Findings.Count(f => f.Severity == Severity.Info));
        w.WriteNumber("suppressed", result.Suppressed.Count);
        w.WriteNumber("inputErrors", result.Errors.Count);
        WriteGivenNumbers(w, result);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // The numbers the user gave (--propagation, --drain, .handoff.yaml), so a CI log shows what the verdict rests on.
    private static void WriteGivenNumbers(Utf8JsonWriter w, AnalysisResult result)
    {
        var given = result.Budgets.Where(b => b.PropagationGiven).ToList();
        if (given.Count > 0)
        {
            w.WriteStartArray("propagation");
            foreach (var group in given.GroupBy(b => (Origin: b.PropagationOrigin!.Text, b.Planes[0].Latency)))
            {
                w.WriteStartObject();
                w.WriteNumber("seconds", group.Key.Latency.MaxSeconds);
                if (group.Key.Latency.IsRange)
                {
                    w.WriteNumber("minSeconds", group.Key.Latency.MinSeconds);
                }

                w.WriteString("source", group.Key.Origin);
                w.WriteNumber("workloads", group.Count());
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (result.Budgets.FirstOrDefault(b => b.DrainOrigin is { GivenByUser: true }) is { } drained)
        {
            w.WriteStartObject("drain");
            w.WriteNumber("seconds", drained.DrainSeconds);
            w.WriteString("source", drained.DrainOrigin!.Text);
            w.WriteEndObject();
        }
    }

    // Each workload and whether it serves user traffic, with the reason (issue 13.1): why the traffic rules did or did not apply.
    private static void WriteWorkloads(Utf8JsonWriter w, AnalysisResult result)
    {
        w.WriteStartArray("workloads");
        foreach (var workload in result.Model.Workloads)
        {
            w.WriteStartObject();
            w.WriteString("kind", workload.Kind);
            w.WriteString("namespace", workload.Object.Namespace);
            w.WriteString("name", workload.Name);
            w.WriteString("file", workload.Object.File.DisplayName);
            w.WriteBoolean("serving", workload.IsServing);
            w.WriteString("servingReason", workload.Serving.Reason);

            // Numbers read from the app's own settings rather than declared (issue 16.6), with where they were read.
            if (result.Budgets.FirstOrDefault(b => ReferenceEquals(b.Workload, workload)) is { } budget)
            {
                if (budget.InAppDelayFromAppSettings)
                {
                    WriteSetting(w, "inAppDelay", budget.InAppDelaySeconds, budget.InAppDelayOrigin!.Text);
                }

                if (budget.DrainOrigin is { Kind: OriginKind.AppSetting } drainOrigin)
                {
                    WriteSetting(w, "drain", budget.DrainSeconds, drainOrigin.Text);
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteSetting(Utf8JsonWriter w, string name, double seconds, string source)
    {
        w.WriteStartObject(name);
        w.WriteNumber("seconds", seconds);
        w.WriteString("source", source);
        w.WriteEndObject();
    }

    /// <summary>Returns the report as a string.</summary>
    public static string ToJson(AnalysisResult result)
    {
        using var stream = new MemoryStream();
        Write(result, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.Rule.Id);
        w.WriteString("severity", SeverityName(f.Severity));
        w.WriteString("message", f.Message);
        w.WriteString("file", f.Location.File);
        w.WriteNumber("line", f.Location.Line);
        w.WriteNumber("column", f.Location.Column);
        w.WriteStartObject("object");
        w.WriteString("kind", f.Object.Kind);
        w.WriteString("namespace", f.Object.Namespace);
        w.WriteString("name", f.Object.Name);
        w.WriteEndObject();
        if (f.Container is null)
        {
            w.WriteNull("container");
        }
        else
        {
            w.WriteString("container", f.Container);
        }

        // Extensions of the contract's shape (never removals): the rule's name and the Helm template.
        w.WriteString("rule", f.Rule.Name);
        if (f.Location.Origin is not null)
        {
            w.WriteString("origin", f.Location.Origin);
        }

        w.WriteEndObject();
    }

    /// <summary>"error", "warning" or "info".</summary>
    public static string SeverityName(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
