using System.CommandLine;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff verify' command.</summary>
internal static class VerifyCommand
{
    // TODO: not built yet; see the open issue for 'verify'.
    public static Command Create()
    {
        var command = new Command("verify", "(not available yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("handoff: 'verify' is not available in this build yet.");
            return CliHost.UsageOrInput;
        });
        return command;
    }
}
