using System.CommandLine;
using System.Text.Json;
using Handoff.Analysis.Reporting;
using Handoff.Analysis.Rules;
using Handoff.Cli.Rendering;
using Spectre.Console;

namespace Handoff.Cli.Commands;

/// <summary>'handoff rules': lists the rules; '--format markdown' regenerates docs/rules.md.</summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "Output format (markdown is docs/rules.md).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "json");
        var command = new Command("rules", "List the rules with their ids, severities and remediations.") { format };
        command.SetAction((ParseResult parse) =>
        {
            switch (parse.GetValue(format))
            {
                case "markdown":
                    Console.Out.Write(RulesMarkdown.Generate());
                    break;
                case "json":
                    CheckCommand.WriteToStdout(WriteJson);
                    break;
                default:
                    var console = Terminal.Stdout();
                    var table = new Table().Border(TableBorder.Simple).AddColumns("id", "name", "severity", "fires when");
                    foreach (var d in RuleCatalog.All.Select(r => r.Descriptor))
                    {
                        table.AddRow(d.Id, Markup.Escape(d.Name), JsonReport.SeverityName(d.Severity), Markup.Escape(d.Summary));
                    }

                    console.Write(table);
                    break;
            }

            return CliHost.Ok;
        });
        return command;
    }

    private static void WriteJson(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartArray();
        foreach (var d in RuleCatalog.All.Select(r => r.Descriptor))
        {
            w.WriteStartObject();
            w.WriteString("id", d.Id);
            w.WriteString("name", d.Name);
            w.WriteString("severity", JsonReport.SeverityName(d.Severity));
            w.WriteString("category", d.Category);
            w.WriteString("summary", d.Summary);
            w.WriteString("remediation", d.Remediation);
            w.WriteStartArray("sources");
            foreach (var s in d.Sources)
            {
                w.WriteStringValue(s);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
