using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Configuration;

/// <summary>What a repository's .handoff.yaml says (docs/config.md); every value carries its position.</summary>
public sealed record HandoffConfig
{
    /// <summary>The file's name as it is shown in messages.</summary>
    public required string File { get; init; }

    /// <summary>profile: the timing profile id.</summary>
    public Setting<string>? Profile { get; init; }

    /// <summary>kubernetesVersion: the target version.</summary>
    public Setting<KubernetesVersion>? Version { get; init; }

    /// <summary>propagation (or propagation.default): P for every workload.</summary>
    public Setting<Latency>? Propagation { get; init; }

    /// <summary>propagation.workloads and propagation.namespaces, workload rules first.</summary>
    public IReadOnlyList<PropagationRule> PropagationRules { get; init; } = [];

    /// <summary>drain: the app's drain time D.</summary>
    public Setting<double>? Drain { get; init; }

    /// <summary>buffer: the safety buffer B.</summary>
    public Setting<double>? Buffer { get; init; }

    /// <summary>ignore: rule ids or names skipped everywhere.</summary>
    public IReadOnlyList<Setting<string>> Ignore { get; init; } = [];

    /// <summary>exclude: path globs skipped when reading a folder.</summary>
    public IReadOnlyList<Setting<string>> Exclude { get; init; } = [];

    /// <summary>profiles: custom profiles, usable with --profile and profile.</summary>
    public IReadOnlyList<Profile> Profiles { get; init; } = [];
}
