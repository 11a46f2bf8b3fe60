using System.CommandLine;
using Handoff.Analysis.Configuration;

namespace Handoff.Cli.Commands;

/// <summary>'handoff config': the JSON schema of .handoff.yaml, and the effective settings with where each came from.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var schema = new Command("schema", $"Print the JSON schema of {ConfigReader.FileName}, for editors (yaml-language-server: $schema=...).");
        schema.SetAction(_ =>
        {
            Console.Out.WriteLine(ConfigSchema.Text.TrimEnd());
            return CliHost.Ok;
        });

        var path = new Argument<string?>("path") { Description = "The path you would check (a folder or file); default: the working folder.", Arity = ArgumentArity.ZeroOrOne };
        var options = new CommonOptions();
        var show = new Command("show", "Print the settings 'check', 'fix' and 'explain' would use for PATH, and where each came from (command line, the file, or the default).") { path };
        foreach (var option in options.All)
        {
            show.Options.Add(option);
        }

        show.SetAction(parse =>
        {
            var target = parse.GetValue(path) ?? ".";
            if (!options.TryResolve(parse, [target], [], out var resolved))
            {
                return CliHost.UsageOrInput;
            }

            var file = parse.GetValue(options.Config) ?? ConfigLocator.Find([target]);
            Console.Out.WriteLine(file is null ? $"No {ConfigReader.FileName} applies to '{target}'; settings come from the command line and defaults." : $"Configuration file: {file}");
            var width = resolved!.Settings.Max(s => s.Key.Length);
            foreach (var setting in resolved.Settings)
            {
                Console.Out.WriteLine($"  {setting.Key.PadRight(width)}  {setting.Value}  ({setting.Origin})");
            }

            return CliHost.Ok;
        });

        return new Command("config", $"Work with {ConfigReader.FileName}: 'schema' prints its JSON schema, 'show' the effective settings.") { schema, show };
    }
}
