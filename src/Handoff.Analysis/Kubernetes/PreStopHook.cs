using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Kubernetes;

/// <summary>A container's preStop hook and how long it runs, read once for every part of Handoff.</summary>
/// <param name="Source">How the duration was found.</param>
/// <param name="Seconds">How long the hook runs before the kubelet sends SIGTERM; null when it cannot be read. May be infinite (<c>sleep infinity</c>).</param>
/// <param name="IsLowerBound">The hook sleeps <paramref name="Seconds"/> and then runs commands of unknown length.</param>
/// <param name="Handler">The hook as written (null when there is none).</param>
/// <param name="Exec">What an exec hook's command does (null for other handlers).</param>
public sealed record PreStopHook(PreStopSource Source, double? Seconds, bool IsLowerBound, Handler? Handler, ExecCommand? Exec)
{
    /// <summary>No preStop hook.</summary>
    public static PreStopHook None { get; } = new(PreStopSource.None, 0, false, null, null);

    /// <summary>Whether the container has a hook at all.</summary>
    public bool Exists => Handler is not null;

    /// <summary>Whether the duration is known (read from the manifest or declared).</summary>
    public bool IsKnown => Seconds is not null;

    /// <summary>Reads the hook of <paramref name="container"/>; the pod annotation <see cref="HandoffAnnotations.PreStopSeconds"/> declares a length Handoff cannot read.</summary>
    public static PreStopHook Of(Workload workload, Container? container)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (container?.PreStop is not { } hook)
        {
            return None;
        }

        var exec = hook.Kind == HandlerKind.Exec ? ExecCommand.Read(hook.Command, container.Env) : null;
        if (HandoffAnnotations.Seconds(workload, HandoffAnnotations.PreStopSeconds) is { } declared)
        {
            return new PreStopHook(PreStopSource.Declared, declared, false, hook, exec);
        }

        return hook.Kind switch
        {
            HandlerKind.Sleep => new PreStopHook(PreStopSource.SleepAction, hook.SleepSeconds ?? 0, false, hook, null),
            HandlerKind.Exec when exec is { Sleeps: true } => new PreStopHook(PreStopSource.ExecSleep, exec.SleepSeconds, !exec.IsExact, hook, exec),

            // An exec that only signals (nginx -s quit, kill 1) returns at once: SIGTERM follows immediately.
            HandlerKind.Exec when exec is { IsExact: true } => new PreStopHook(PreStopSource.ExecSleep, 0, false, hook, exec),
            _ => new PreStopHook(PreStopSource.Unknown, null, false, hook, exec),
        };
    }

    /// <summary>A few words for reports: "sleep action 10 s", "exec sleep 5 s", "httpGet /drain (length unknown)".</summary>
    public string Describe() => Source switch
    {
        PreStopSource.None => "no preStop",
        PreStopSource.SleepAction => $"sleep action {Durations.Format(Seconds ?? 0)}",
        PreStopSource.ExecSleep when IsLowerBound => $"exec sleep {Durations.Format(Seconds ?? 0)} then '{string.Join("; ", Exec!.OtherCommands)}'",
        PreStopSource.ExecSleep when Seconds == 0 => $"exec '{string.Join(' ', Handler!.Command)}' (returns at once)",
        PreStopSource.ExecSleep => $"exec sleep {Durations.Format(Seconds ?? 0)}",
        PreStopSource.Declared => $"{Handler!.Describe()} (declared {Durations.Format(Seconds ?? 0)})",
        _ => $"{Handler!.Describe()} (length unknown)",
    };
}
