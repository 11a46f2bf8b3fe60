using System.Diagnostics;
using System.Globalization;
using Handoff.Rollout.Timeline;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>How the rollout part of a live run ended.</summary>
/// <param name="Completed">Whether 'kubectl rollout status' reported success and every old pod was gone before the bound.</param>
/// <param name="Problem">Why not, as a sentence; null when completed.</param>
public sealed record RolloutOutcome(bool Completed, string? Problem);

/// <summary>Starts the rollout (or waits for one), follows it to the end, waits for the old pods to go, then for the tail.</summary>
public static class LiveRollout
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    // The drain wait allows the longest grace period plus this much for the DELETED event to arrive.
    private static readonly TimeSpan DeletionSlack = TimeSpan.FromSeconds(10);

    /// <summary>Triggers and follows one rollout; every step is bounded by <paramref name="deadline"/> on <paramref name="clock"/>.</summary>
    /// <param name="kubectl">The cluster client with the context pinned.</param>
    /// <param name="deployment">The Deployment.</param>
    /// <param name="timeline">The watcher's timeline (RolloutStarted/Finished are added to it).</param>
    /// <param name="options">Trigger and bounds.</param>
    /// <param name="clock">The run's clock; every wait runs on its time source.</param>
    /// <param name="deadline">The offset on <paramref name="clock"/> by which the rollout part must end.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<RolloutOutcome> DriveAsync(
        IClusterClient kubectl,
        DeploymentInfo deployment,
        LiveTimeline timeline,
        LiveRolloutOptions options,
        RunClock clock,
        TimeSpan deadline,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kubectl);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);

        var started = await TriggerAsync(kubectl, deployment, timeline, options, clock, deadline, cancellationToken);
        if (started is not null)
        {
            return new RolloutOutcome(false, started);
        }

        var remaining = deadline - clock.Elapsed;
        if (remaining <= TimeSpan.Zero)
        {
            return new RolloutOutcome(false, "The run's time bound passed before the rollout could be followed.");
        }

        var seconds = Math.Max(1, (int)remaining.TotalSeconds);
        var status = await kubectl.RunAsync(
            ["rollout", "status", $"deployment/{deployment.Name}", $"--timeout={seconds.ToString(CultureInfo.InvariantCulture)}s"],
            namespaced: true,
            remaining + TimeSpan.FromSeconds(10),
            cancellationToken);
        if (!status.Succeeded)
        {
            return new RolloutOutcome(false, $"The rollout did not finish: {status.ErrorLine}");
        }

        timeline.Add(new TimelineEvent(clock.Elapsed, TimelineEventKind.RolloutFinished, string.Empty,
            Detail: LastLine(status.StandardOutput)));

        // 'rollout status' returns once the new pods are available; old pods may still be terminating for up to G.
        var drainBound = clock.Elapsed + TimeSpan.FromSeconds(deployment.Template.GraceSeconds) + DeletionSlack;
        var drainDeadline = drainBound < deadline ? drainBound : deadline;
        while (timeline.TerminatingPods > 0 && clock.Elapsed < drainDeadline)
        {
            await Task.Delay(Poll, clock.Time, cancellationToken);
        }

        if (timeline.TerminatingPods > 0)
        {
            timeline.AddNote($"{timeline.TerminatingPods} old pod(s) were still terminating when the run stopped.");
        }

        // The tail: late endpoint updates and failures that trail the last deletion still land in the run.
        var tail = deadline - clock.Elapsed is var left && left < options.Tail ? left : options.Tail;
        if (tail > TimeSpan.Zero)
        {
            await Task.Delay(tail, clock.Time, cancellationToken);
        }

        return new RolloutOutcome(true, null);
    }

    private static async Task<string?> TriggerAsync(
        IClusterClient kubectl,
        DeploymentInfo deployment,
        LiveTimeline timeline,
        LiveRolloutOptions options,
        RunClock clock,
        TimeSpan deadline,
        CancellationToken cancellationToken)
    {
        switch (options.Trigger)
        {
            case TriggerMode.Restart:
            {
                IReadOnlyList<string> restart = ["rollout", "restart", $"deployment/{deployment.Name}"];
                timeline.Add(new TimelineEvent(clock.Elapsed, TimelineEventKind.RolloutStarted, string.Empty,
                    Detail: Kubectl.Describe(restart)));
                var result = await kubectl.RunAsync(restart, namespaced: true, cancellationToken);
                return result.Succeeded ? null : $"'{Kubectl.Describe(restart)}' failed: {result.ErrorLine}";
            }

            case TriggerMode.Command:
            {
                var described = string.Join(' ', options.TriggerCommand);
                timeline.Add(new TimelineEvent(clock.Elapsed, TimelineEventKind.RolloutStarted, string.Empty, Detail: $"trigger: {described}"));
                return await RunTriggerAsync(options.TriggerCommand, deadline - clock.Elapsed, clock.Time, cancellationToken);
            }

            default:
            {
                while (!timeline.RolloutActivitySeen)
                {
                    if (clock.Elapsed >= deadline)
                    {
                        return "No rollout started while verify watched (--watch-only); start one, or drop --watch-only.";
                    }

                    await Task.Delay(Poll, clock.Time, cancellationToken);
                }

                var first = timeline.Snapshot().FirstOrDefault(e =>
                    e.Kind == TimelineEventKind.PodTerminating
                    || (e.Kind == TimelineEventKind.PodCreated && e.Detail is null));
                timeline.Add(new TimelineEvent(first?.At ?? clock.Elapsed, TimelineEventKind.RolloutStarted, string.Empty,
                    Detail: "watch-only: first pod change seen"));
                return null;
            }
        }
    }

    private static async Task<string?> RunTriggerAsync(IReadOnlyList<string> command, TimeSpan bound, TimeProvider time, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"The trigger '{command[0]}' could not be started: {exception.Message}.";
        }

        using (process)
        {
            using var timer = new CancellationTokenSource(bound > TimeSpan.Zero ? bound : TimeSpan.FromSeconds(1), time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                var error = await stderr;
                await stdout;
                return process.ExitCode == 0
                    ? null
                    : $"The trigger exited with code {process.ExitCode}: {FirstLine(error)}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return "The trigger did not finish within the run's time bound.";
            }
            finally
            {
                Kubectl.KillQuietly(process);
            }
        }
    }

    private static string FirstLine(string text)
        => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : "rollout complete";
    }
}
