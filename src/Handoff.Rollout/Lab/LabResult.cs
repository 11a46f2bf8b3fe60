using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Lab;

/// <summary>What one lab run saw.</summary>
public sealed record LabResult
{
    /// <summary>The Deployment that was rolled.</summary>
    public required LabDeploymentSpec Spec { get; init; }

    /// <summary>The options of the run.</summary>
    public required LabOptions Options { get; init; }

    /// <summary>The seed of the propagation draws.</summary>
    public required int Seed { get; init; }

    /// <summary>Every request.</summary>
    public required LoadResult Load { get; init; }

    /// <summary>Every pod and endpoint event, in time order.</summary>
    public required IReadOnlyList<TimelineEvent> Events { get; init; }

    /// <summary>Whether the rollout finished (new pods available, old pods gone) while load was running.</summary>
    public required bool RolloutFinished { get; init; }

    /// <summary>Whether the run was stopped early (Ctrl+C).</summary>
    public bool Cancelled { get; init; }

    /// <summary>The wall-clock start of the run.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The HAProxy version line.</summary>
    public required string LoadBalancer { get; init; }

    /// <summary>Every process the lab started (HAProxy and pods), for checking that none outlived it.</summary>
    public required IReadOnlyList<int> ProcessIds { get; init; }

    /// <summary>The propagation each pod was given (drawn per pod from a ranged --propagation), by name.</summary>
    public IReadOnlyDictionary<string, TimeSpan> PodPropagation { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>Every port the lab used on 127.0.0.1.</summary>
    public required IReadOnlyList<int> Ports { get; init; }
}

/// <summary>A progress line of a running lab.</summary>
/// <param name="Elapsed">Time since the start of the run (the clock of the report).</param>
/// <param name="Sent">Requests started.</param>
/// <param name="Failed">Requests failed so far.</param>
/// <param name="ReadyPods">Pods ready now.</param>
/// <param name="TerminatingPods">Pods terminating and still running.</param>
/// <param name="Endpoints">Servers HAProxy sends new requests to.</param>
/// <param name="Phase">"starting", "load", "rollout", "rollout finished", "stopping".</param>
public sealed record LabProgress(TimeSpan Elapsed, long Sent, long Failed, int ReadyPods, int TerminatingPods, int Endpoints, string Phase);
