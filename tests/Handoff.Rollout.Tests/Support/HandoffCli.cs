using System.Diagnostics;

namespace Handoff.Rollout.Tests.Support;

/// <summary>The built 'handoff' CLI as a real process, bounded in time and killed with its children when it overruns.</summary>
internal static class HandoffCli
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, TimeSpan bound, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(TestPaths.Cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var cli = Process.Start(start)!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        try
        {
            await cli.WaitForExitAsync().WaitAsync(bound);
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }
        }

        return (cli.ExitCode, await stdout, await stderr);
    }
}
