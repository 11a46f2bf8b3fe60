using System.CommandLine;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff rules' command.</summary>
internal static class RulesCommand
{
    // TODO: not built yet; see the open issue for 'rules'.
    public static Command Create()
    {
        var command = new Command("rules", "(not available yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("handoff: 'rules' is not available in this build yet.");
            return CliHost.UsageOrInput;
        });
        return command;
    }
}
