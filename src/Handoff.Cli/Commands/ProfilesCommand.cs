using System.CommandLine;
using Handoff.Analysis.Reporting;
using Handoff.Analysis.Timing;
using Handoff.Cli.Rendering;
using Spectre.Console;

namespace Handoff.Cli.Commands;

/// <summary>'handoff profiles': lists the timing profiles; '--format markdown' regenerates docs/timing-model-providers.md.</summary>
internal static class ProfilesCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "Output format (markdown is docs/timing-model-providers.md).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown");
        var command = new Command("profiles", "List the timing profiles with their data planes and latencies.") { format };
        command.SetAction((ParseResult parse) =>
        {
            var catalog = ProfileCatalog.BuiltIn;
            if (parse.GetValue(format) == "markdown")
            {
                Console.Out.Write(ProfilesMarkdown.Generate(catalog));
                return CliHost.Ok;
            }

            var console = Terminal.Stdout();
            var table = new Table().Border(TableBorder.Simple).AddColumns("id", "planes", "relations");
            foreach (var p in catalog.Profiles)
            {
                table.AddRow(p.Id, Markup.Escape(string.Join("; ", p.Planes.Select(d => $"{d.Name} {d.Latency}"))), Markup.Escape(string.Join(", ", p.Relations.Select(r => r.Kind))));
            }

            console.Write(table);
            return CliHost.Ok;
        });
        return command;
    }
}
