using System.Diagnostics;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Tests.Verify;

namespace Handoff.Rollout.Tests.Cluster;

/// <summary>The kubectl runner, against the stand-in kubectl (a real child process).</summary>
public class KubectlTests
{
    [Fact]
    public void TryCreate_PathThatDoesNotExist_SaysWhichPathAndHowToFixIt()
    {
        var kubectl = Kubectl.TryCreate(new KubectlOptions { Path = "/nonexistent/kubectl" }, out var error);

        kubectl.ShouldBeNull();
        error.ShouldBe("kubectl '/nonexistent/kubectl' does not exist or is not executable; pass --kubectl with the path of a kubectl binary.");
    }

    [Fact]
    public void TryCreate_NameNotOnPath_SaysItWasNotFoundOnPath()
    {
        var kubectl = Kubectl.TryCreate(new KubectlOptions { Path = "kubectl-handoff-missing" }, out var error);

        kubectl.ShouldBeNull();
        error!.ShouldContain("'kubectl-handoff-missing' was not found on PATH");
    }

    [Fact]
    public async Task RunAsync_ArgumentsWithShellCharacters_ReachKubectlVerbatim()
    {
        using var standIn = StandInKubectl.ForFixture("clean-rollout");
        var marker = Path.Combine(standIn.Directory, "pwned");
        var kubectl = Kubectl.TryCreate(new KubectlOptions { Path = standIn.ExecutablePath, Context = "ctx; touch " + marker, Namespace = "shop $(id)" }, out _)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var result = await kubectl.RunAsync(["get", "deployment", "web", "--output", "json"], namespaced: true, timeout.Token);

        standIn.Calls().ShouldHaveSingleItem().ShouldBe(
            ["get", "deployment", "web", "--output", "json", "--context", "ctx; touch " + marker, "--namespace", "shop $(id)"]);
        File.Exists(marker).ShouldBeFalse("no shell ran the arguments");
        result.Succeeded.ShouldBeFalse("the stand-in has no such context");
        result.ErrorLine.ShouldBe($"error: context \"ctx; touch {marker}\" does not exist");
    }

    [Fact]
    public async Task RunAsync_CallOutlivesItsTimeout_ThrowsAClearErrorAndEndsTheProcess()
    {
        using var standIn = StandInKubectl.ForFixture("clean-rollout");
        var kubectl = Kubectl.TryCreate(new KubectlOptions
        {
            Path = standIn.ExecutablePath,
            Context = "gke_shop_europe-west1_prod",
            CallTimeout = TimeSpan.FromSeconds(2),
        }, out _)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        // 'rollout status' waits for a restart that never comes.
        var error = await Should.ThrowAsync<KubectlException>(
            () => kubectl.RunAsync(["rollout", "status", "deployment/web"], namespaced: true, timeout.Token));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15));
        error.Message.ShouldStartWith("'kubectl rollout status deployment/web --context gke_shop_europe-west1_prod --namespace default' did not finish within 2 s");
        StandInProcessesStillRunning(standIn).ShouldBe(0);
    }

    [Fact]
    public void Describe_ArgumentWithSpace_IsQuoted()
        => Kubectl.Describe(["get", "pods", "--selector", "tier in (a, b)"]).ShouldBe("kubectl get pods --selector \"tier in (a, b)\"");

    internal static int StandInProcessesStillRunning(StandInKubectl standIn)
    {
        // The wrapper exports the state directory; a live stand-in has it in its environment.
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains(standIn.StateDirectory, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return count;
    }
}
