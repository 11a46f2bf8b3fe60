using System.CommandLine;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff fix' command.</summary>
internal static class FixCommand
{
    // TODO: not built yet; see the open issue for 'fix'.
    public static Command Create()
    {
        var command = new Command("fix", "(not available yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("handoff: 'fix' is not available in this build yet.");
            return CliHost.UsageOrInput;
        });
        return command;
    }
}
