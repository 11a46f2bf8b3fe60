using System.Diagnostics;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>'handoff lab' as a real process: bad input is one line on stderr with exit code 2, and nothing is started.</summary>
public class LabCliTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("exec-probe.yaml", new string[0], "exec-probe.yaml:13:13: The lab runs httpGet and tcpSocket probes; exec and grpc probes are not emulated.")]
    [InlineData("smoke-naive.yaml", new[] { "--propagation", "soon" }, "--propagation 'soon' is not a duration like '2s' or a range like '1s..4s'.")]
    [InlineData("smoke-naive.yaml", new[] { "--rps", "0" }, "--rps must be between 1 and 100000; got 0.")]
    [InlineData("missing.yaml", new string[0], "missing.yaml: No such file or directory.")]
    public async Task Lab_BadInput_PrintsOneLineAndExits2(string fixture, string[] extra, string expected)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { TestPaths.Cli, "lab", TestPaths.Fixture(fixture), "--app", TestPaths.TestAppCommand }.Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        using var cli = Process.Start(start)!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        try
        {
            await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }
        }

        cli.ExitCode.ShouldBe(2);
        (await stdout).ShouldBeEmpty();
        var lines = (await stderr).TrimEnd().Split('\n');
        lines.ShouldHaveSingleItem().ShouldStartWith("handoff: ");
        lines[0].ShouldContain(expected);
        lines[0].ShouldNotContain("   at ");
    }
}
