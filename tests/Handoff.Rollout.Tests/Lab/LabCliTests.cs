using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>'handoff lab' as a real process: each input problem is one line on stderr, exit code 2, and nothing is started.</summary>
public class LabCliTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("exec-probe.yaml", new string[0], "exec-probe.yaml:13:13: The lab runs httpGet and tcpSocket probes; exec and grpc probes are not emulated.")]
    [InlineData("smoke-naive.yaml", new[] { "--propagation", "soon" }, "--propagation 'soon' is not a duration like '2s' or a range like '1s..4s'.")]
    [InlineData("smoke-naive.yaml", new[] { "--rps", "0" }, "--rps must be between 1 and 100000; got 0.")]
    [InlineData("missing.yaml", new string[0], "missing.yaml: No such file or directory.")]
    [InlineData("smoke-naive.yaml", new[] { "--traffic", "websocket", "--write-config", "never-written.yaml" }, "--write-config needs --traffic http: long-lived connections stay on their pod after its endpoint is removed, so they do not show the propagation.")]
    [InlineData("smoke-naive.yaml", new[] { "--lb", "haproxy-tcp", "--write-config", "never-written.yaml" }, "--write-config needs --lb haproxy: behind a TCP load balancer keep-alive connections stay on their pod after its endpoint is removed, so they do not show the propagation.")]
    public async Task Lab_BadInput_PrintsOneLineAndExits2(string fixture, string[] extra, string expected)
    {
        var (exitCode, stdout, stderr) = await RunAsync(fixture, extra);

        exitCode.ShouldBe(2);
        stdout.ShouldBeEmpty();
        var lines = stderr.TrimEnd().Split('\n');
        lines.ShouldHaveSingleItem().ShouldStartWith("handoff: ");
        lines[0].ShouldContain(expected);
        lines[0].ShouldNotContain("   at ");
    }

    [Fact(Timeout = 60_000)]
    public async Task Lab_SeveralBadOptions_PrintsEveryProblemAndExits2()
    {
        var (exitCode, stdout, stderr) = await RunAsync("smoke-naive.yaml", ["--propagation", "soon", "--duration", "never", "--rps", "0", "--connections", "0"]);

        exitCode.ShouldBe(2);
        stdout.ShouldBeEmpty();
        stderr.TrimEnd().Split('\n').ShouldBe(
        [
            "handoff: --propagation 'soon' is not a duration like '2s' or a range like '1s..4s'.",
            "handoff: --duration 'never' is not a duration like '30s'.",
            "handoff: --rps must be between 1 and 100000; got 0.",
            "handoff: --connections must be between 1 and 4096; got 0.",
        ]);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string fixture, string[] extra) =>
        HandoffCli.RunAsync(new[] { "lab", TestPaths.Fixture(fixture), "--app", TestPaths.TestAppCommand }.Concat(extra), TimeSpan.FromSeconds(30));
}
