using Spectre.Console;

namespace Handoff.Cli.Rendering;

/// <summary>Creates consoles: colour only on a terminal, NO_COLOR honoured, no wrapping when redirected.</summary>
internal static class Terminal
{
    public static IAnsiConsole Create(TextWriter writer, bool isTerminal)
    {
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = isTerminal && !noColor ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal && !noColor ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal)
        {
            // Redirected output is read by tools and people in editors: do not wrap at a made-up width.
            console.Profile.Width = 400;
        }

        return console;
    }

    public static IAnsiConsole Stdout() => Create(Console.Out, !Console.IsOutputRedirected);

    public static string Version => typeof(Terminal).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
