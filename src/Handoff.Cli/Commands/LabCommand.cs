using System.CommandLine;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff lab' command.</summary>
internal static class LabCommand
{
    // TODO: not built yet; see the open issue for 'lab'.
    public static Command Create()
    {
        var command = new Command("lab", "(not available yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("handoff: 'lab' is not available in this build yet.");
            return CliHost.UsageOrInput;
        });
        return command;
    }
}
