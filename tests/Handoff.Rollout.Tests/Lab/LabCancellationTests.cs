using System.Diagnostics;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

// In the lab collection: lab runs go one at a time, so that none starves another of CPU.
[Collection(LabSmokeCollection.Name)]
public class LabCancellationTests
{
    [Fact(Timeout = 90_000)]
    public async Task RunAsync_CancelledMidRollout_EndsEveryProcessAndSaysSo()
    {
        using var cancel = new CancellationTokenSource();
        var run = LabRuns.RunAsync("smoke-recommended.yaml", "1s", 100, TimeSpan.FromSeconds(30), cancel.Token);

        // Cancel once the rollout has started (about 2 s into the load).
        await Task.Delay(TimeSpan.FromSeconds(5));
        await cancel.CancelAsync();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(20));

        result.Cancelled.ShouldBeTrue();
        LabReport.Build(result).Passed.ShouldBeFalse();
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    [Fact(Timeout = 120_000)]
    public async Task Cli_CtrlC_EndsHaProxyAndEveryPodAndExits130()
    {
        // Through 'env --default-signal=INT', as a terminal starts it: a test run started in the background of a
        // non-interactive shell ignores SIGINT, the ignoring is inherited by children, and .NET then never sees Ctrl+C
        // (seen once: the CLI ran its full 40 s and the test timed out).
        using var cli = await RunningLab.StartAsync(["env", "--default-signal=INT", "dotnet", TestPaths.Cli, "lab", TestPaths.Fixture("smoke-naive.yaml"), "--app", TestPaths.TestAppCommand, "--duration", "40s", "--rps", "100", "--propagation", "1s"]);
        IReadOnlyList<int> children = [];
        try
        {
            children = Processes.Descendants(cli.Id);
            children.Count.ShouldBeGreaterThanOrEqualTo(3, "HAProxy and two pods");

            // What a terminal's Ctrl+C sends.
            Process.Start("kill", ["-INT", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

            cli.ExitCode.ShouldBe(130);
            (await Processes.WaitGoneAsync(children, TimeSpan.FromSeconds(5))).ShouldBeEmpty();
        }
        finally
        {
            RunningLab.EndLeftovers(cli, children);
        }
    }
}

// In the lab collection: lab runs go one at a time.
[Collection(LabSmokeCollection.Name)]
public class LabSigKillTests
{
    [Fact(Timeout = 120_000)]
    public async Task Cli_KilledWithSigKill_ItsWatchdogEndsHaProxyAndEveryPod()
    {
        // SIGKILL runs no finally block and no exit handler: only the watchdog, reading a pipe from the lab, is left to act.
        using var cli = await RunningLab.StartAsync(["dotnet", TestPaths.Cli, "lab", TestPaths.Fixture("smoke-recommended.yaml"), "--app", TestPaths.TestAppCommand, "--duration", "60s", "--rps", "100", "--propagation", "1s"]);
        IReadOnlyList<int> children = [];
        try
        {
            children = Processes.Descendants(cli.Id);
            var pods = children.Where(pid => Processes.CommandLine(pid)?.Contains("Handoff.Rollout.TestApp", StringComparison.Ordinal) == true).ToList();
            pods.Count.ShouldBeGreaterThanOrEqualTo(2, "two pods are serving");
            children.ShouldContain(pid => Processes.CommandLine(pid)!.Contains("haproxy", StringComparison.Ordinal));

            cli.Kill(entireProcessTree: false);
            await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

            (await Processes.WaitGoneAsync(children, TimeSpan.FromSeconds(10))).ShouldBeEmpty("HAProxy, every pod and the watchdog are gone after the lab's SIGKILL");
        }
        finally
        {
            RunningLab.EndLeftovers(cli, children);
        }
    }
}

// In the lab collection: no other lab runs while this one looks for leftover HAProxy processes.
[Collection(LabSmokeCollection.Name)]
public class LabFailureTests
{
    [Fact(Timeout = 60_000)]
    public async Task RunAsync_AppThatCannotStart_FailsClearlyAndEndsHaProxy()
    {
        var options = new LabOptions { App = AppCommand.Parse("dotnet /nonexistent/handoff-missing-app.dll --urls http://127.0.0.1:{port}"), Duration = TimeSpan.FromSeconds(5) };
        var spec = LabManifestReader.Read(TestPaths.Fixture("smoke-naive.yaml"));

        var error = await Should.ThrowAsync<LabException>(() => new LabRunner(TimeProvider.System).RunAsync(spec, options, progress: null, CancellationToken.None));

        error.Message.ShouldContain("exited before it became ready");
        var leftovers = Processes.Descendants(Environment.ProcessId)
            .Where(pid => Processes.CommandLine(pid) is { } cmd && (cmd.Contains("handoff-lab-", StringComparison.Ordinal) || cmd.Contains("handoff-missing-app", StringComparison.Ordinal)))
            .ToList();
        (await Processes.WaitGoneAsync(leftovers, TimeSpan.FromSeconds(5))).ShouldBeEmpty();
    }
}

/// <summary>'handoff lab' as a real process, returned once its load runs (the first progress line with 'sent').</summary>
internal static class RunningLab
{
    public static async Task<Process> StartAsync(IReadOnlyList<string> command)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        var cli = Process.Start(start)!;
        var loadRunning = new TaskCompletionSource();
        cli.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("sent", StringComparison.Ordinal) == true)
            {
                loadRunning.TrySetResult();
            }
        };
        cli.OutputDataReceived += (_, _) => { };
        cli.BeginErrorReadLine();
        cli.BeginOutputReadLine();
        try
        {
            await loadRunning.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            cli.Kill(entireProcessTree: true);
            cli.Dispose();
            throw;
        }

        return cli;
    }

    /// <summary>Ends whatever a failed test left running.</summary>
    public static void EndLeftovers(Process cli, IReadOnlyList<int> children)
    {
        if (!cli.HasExited)
        {
            cli.Kill(entireProcessTree: true);
        }

        foreach (var pid in children.Where(Processes.IsAlive))
        {
            Process.GetProcessById(pid).Kill();
        }
    }
}
