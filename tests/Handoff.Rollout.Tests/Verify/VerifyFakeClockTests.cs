using Handoff.Rollout.Cluster;
using Handoff.Rollout.Testing;
using Handoff.Rollout.Tests.Cluster;
using Handoff.Rollout.Timeline;
using Handoff.Rollout.Verify;
using Microsoft.Extensions.Time.Testing;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>
/// Verify's bounds fire on the run's <see cref="TimeProvider"/>: each test sets a bound of minutes on a fake clock,
/// moves the fake clock past it, and sees the bound's error within the test's few real seconds.
/// </summary>
public sealed class VerifyFakeClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    // The longest the tests wait in real time; every bound under test is minutes long on the fake clock.
    private static readonly TimeSpan RealBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DriveAsync_WatchOnlyAndNoRolloutComes_GivesUpAtTheDeadlineOfTheFakeClock()
    {
        var time = new FakeTimeProvider(Start);
        var clock = new RunClock(time);
        var deadline = TimeSpan.FromMinutes(10);

        // Watch-only makes no cluster call: it waits for pod changes the (empty) timeline never gets.
        var driving = LiveRollout.DriveAsync(InMemoryCluster.Unreachable(), Deployment(), new LiveTimeline(),
            new LiveRolloutOptions { Trigger = TriggerMode.WatchOnly }, clock, deadline, CancellationToken.None);
        await AdvanceUntilDoneAsync(time, driving, TimeSpan.FromSeconds(5));

        var outcome = await driving;
        outcome.ShouldBe(new RolloutOutcome(false, "No rollout started while verify watched (--watch-only); start one, or drop --watch-only."));
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(deadline);
    }

    [Fact]
    public async Task StartAsync_PodWatchNeverReportsThePods_TimesOutOnTheFakeClock()
    {
        var time = new FakeTimeProvider(Start);
        var cluster = new InMemoryCluster(arguments => new KubectlResult(arguments, 0, """{"items": [{"metadata": {"name": "web-1"}}]}""", string.Empty));
        var watcher = new LiveWatcher(cluster, Deployment(), new LiveTimeline(), new RunClock(time));
        await using (watcher)
        {
            var starting = watcher.StartAsync(TimeSpan.FromMinutes(3), CancellationToken.None);
            await AdvanceUntilDoneAsync(time, starting, TimeSpan.FromSeconds(5));

            var error = await Should.ThrowAsync<KubectlException>(() => starting);
            error.Message.ShouldBe("The pod watch did not report the 1 existing pods within 180 s.");
        }

        cluster.Calls.Count(c => c.Contains("--watch") || c.Contains("--watch-only")).ShouldBe(3, "the three watches were started, then stopped");
    }

    [Fact]
    public async Task RunAsync_RealKubectlCallOutlivesItsTimeoutOnTheFakeClock_ThrowsAndEndsTheProcess()
    {
        // A real process (the stand-in kubectl) with its call timeout on a fake clock.
        using var standIn = StandInKubectl.ForFixture("clean-rollout");
        var time = new FakeTimeProvider(Start);
        var kubectl = Kubectl.TryCreate(new KubectlOptions
        {
            Path = standIn.ExecutablePath,
            Context = "gke_shop_europe-west1_prod",
            CallTimeout = TimeSpan.FromMinutes(5),
        }, time, out var missing) ?? throw new InvalidOperationException(missing);

        // 'rollout status' waits for a restart that never comes.
        var call = kubectl.RunAsync(["rollout", "status", "deployment/web"], namespaced: true, CancellationToken.None);
        await AdvanceUntilDoneAsync(time, call, TimeSpan.FromMinutes(1));

        var error = await Should.ThrowAsync<KubectlException>(() => call);
        error.Message.ShouldStartWith("'kubectl rollout status deployment/web --context gke_shop_europe-west1_prod --namespace default' did not finish within 300 s");
        KubectlTests.StandInProcessesStillRunning(standIn).ShouldBe(0);
    }

    private static DeploymentInfo Deployment() =>
        new("web", "shop", "app=web", 2, new PodTemplateFacts(PodTemplateFacts.DefaultGraceSeconds, 0, "none"), "RollingUpdate maxSurge 25% maxUnavailable 25%");

    /// <summary>Moves the fake clock on in <paramref name="step"/>s until <paramref name="task"/> ends; fails after <see cref="RealBound"/> of real time.</summary>
    private static async Task AdvanceUntilDoneAsync(FakeTimeProvider time, Task task, TimeSpan step)
    {
        using var bound = new CancellationTokenSource(RealBound);
        while (!task.IsCompleted)
        {
            bound.IsCancellationRequested.ShouldBeFalse($"the task did not end within {RealBound.TotalSeconds} s of real time (fake clock at {time.GetUtcNow() - Start})");
            time.Advance(step);

            // Let the continuations the timers released run before the next step.
            await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
        }
    }
}
