using System.CommandLine;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff explain' command.</summary>
internal static class ExplainCommand
{
    // TODO: not built yet; see the open issue for 'explain'.
    public static Command Create()
    {
        var command = new Command("explain", "(not available yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("handoff: 'explain' is not available in this build yet.");
            return CliHost.UsageOrInput;
        });
        return command;
    }
}
