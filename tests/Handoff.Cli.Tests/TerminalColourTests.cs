using System.Diagnostics;

namespace Handoff.Cli.Tests;

/// <summary>Colour on a real pseudo-terminal (util-linux 'script'), none with NO_COLOR or when redirected.</summary>
public sealed class TerminalColourTests
{
    private static async Task<string> RunOnTerminalAsync(bool noColor)
    {
        if (!File.Exists("/usr/bin/script"))
        {
            throw new InvalidOperationException("util-linux 'script' is needed to give the CLI a real terminal.");
        }

        var start = new ProcessStartInfo("/usr/bin/script") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = CliRunner.Root };
        start.ArgumentList.Add("-qc");
        start.ArgumentList.Add($"{CliRunner.ShellCommand} check samples/deploy/naive.yaml");
        start.ArgumentList.Add("/dev/null");
        start.Environment.Remove("NO_COLOR");
        start.Environment["TERM"] = "xterm-256color";
        if (noColor)
        {
            start.Environment["NO_COLOR"] = "1";
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var output = await process.StandardOutput.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            return output;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Check_OnATerminal_UsesColour()
    {
        var output = await RunOnTerminalAsync(noColor: false);

        output.ShouldContain("HO101");
        output.ShouldContain("\u001b[1mHandoff check\u001b[0m");
    }

    [Fact]
    public async Task Check_OnATerminalWithNoColor_UsesNoColour()
    {
        var output = await RunOnTerminalAsync(noColor: true);

        output.ShouldContain("HO101");
        output.ShouldNotContain("\u001b[1m");
        output.ShouldNotContain("\u001b[0m");
    }
}
