using System.CommandLine;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff check' command.</summary>
internal static class CheckCommand
{
    // TODO: not built yet; see the open issue for 'check'.
    public static Command Create()
    {
        var command = new Command("check", "(not available yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("handoff: 'check' is not available in this build yet.");
            return CliHost.UsageOrInput;
        });
        return command;
    }
}
