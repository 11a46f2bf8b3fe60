using System.Globalization;
using Handoff.Analysis.Configuration;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Policy;

/// <summary>
/// The numbers of a profile the admission policy reads from its parameter object (a ConfigMap bound through
/// <c>paramKind</c>), so that a cluster admin changes a number with <c>kubectl edit</c> without regenerating the policy.
/// </summary>
/// <param name="ProfileId">The profile the numbers come from (shown in messages).</param>
/// <param name="PropagationSeconds">P: the slowest data plane's latency, seconds.</param>
/// <param name="DrainSeconds">D when a workload declares none: the given drain, else <see cref="TimeBudget.DefaultDrainSeconds"/>.</param>
/// <param name="DrainGiven">Whether D was given (--drain, .handoff.yaml), which makes HO110 judge every workload.</param>
/// <param name="DrainOverridesAnnotations">Whether the given D wins over the workloads' drain annotations.</param>
/// <param name="BufferSeconds">B: the safety buffer.</param>
public sealed record PolicyParameters(string ProfileId, double PropagationSeconds, double DrainSeconds, bool DrainGiven, bool DrainOverridesAnnotations, double BufferSeconds)
{
    /// <summary>
    /// Whether P is the user's own number (--propagation, .handoff.yaml's 'propagation'), which makes HO102 an error as
    /// check reports it (a measured S &lt; P is a certain loss); false when P is the profile's estimate (a warning).
    /// </summary>
    public bool PropagationMeasured { get; init; }

    /// <summary>Whether the profile sizes the gap with the GKE NEG formula, so HO108 (check-only) reports it instead of HO102.</summary>
    public bool NegDrainingFormula { get; init; }

    /// <summary>The ConfigMap key of <see cref="PropagationMeasured"/>.</summary>
    public const string PropagationMeasuredKey = "propagationMeasured";

    /// <summary>The ConfigMap key of <see cref="NegDrainingFormula"/>.</summary>
    public const string NegDrainingFormulaKey = "negDrainingFormula";

    /// <summary>The ConfigMap key of <see cref="ProfileId"/>.</summary>
    public const string ProfileKey = "profile";

    /// <summary>The ConfigMap key of <see cref="PropagationSeconds"/>.</summary>
    public const string PropagationKey = "propagationSeconds";

    /// <summary>The ConfigMap key of <see cref="DrainSeconds"/>.</summary>
    public const string DrainKey = "drainSeconds";

    /// <summary>The ConfigMap key of <see cref="DrainGiven"/>.</summary>
    public const string DrainGivenKey = "drainGiven";

    /// <summary>The ConfigMap key of <see cref="DrainOverridesAnnotations"/>.</summary>
    public const string DrainOverridesKey = "drainOverridesAnnotations";

    /// <summary>The ConfigMap key of <see cref="BufferSeconds"/>.</summary>
    public const string BufferKey = "bufferSeconds";

    /// <summary>The parameters of <paramref name="profile"/> with the numbers the user gave.</summary>
    /// <remarks>
    /// A propagation given for the whole run (--propagation, .handoff.yaml's 'propagation') replaces the profile's
    /// slowest plane, as <see cref="TimeBudget.Compute(Model.Workload, Model.ClusterModel, ProfileChoice, TimingSettings?)"/>
    /// does; per-workload propagation rules cannot be told apart at admission and are not used.
    /// </remarks>
    public static PolicyParameters Of(Profile profile, TimingSettings? timing = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        timing ??= TimingSettings.None;
        var propagation = timing.Propagation?.Value.MaxSeconds ?? (profile.Planes.Count == 0 ? 0 : profile.Planes.Max(p => p.PropagationSeconds));
        return new PolicyParameters(
            profile.Id,
            propagation,
            timing.Drain?.Value ?? TimeBudget.DefaultDrainSeconds,
            timing.Drain is not null,
            timing.Drain is not null && timing.DrainOverridesAnnotations,
            timing.Buffer?.Value ?? TimeBudget.DefaultBufferSeconds)
        {
            PropagationMeasured = timing.Propagation is not null,
            NegDrainingFormula = profile.Declares<NegDrainingFormula>(),
        };
    }

    /// <summary>The ConfigMap's data, keys in a fixed order; every value a string, as ConfigMaps hold them.</summary>
    public IReadOnlyList<(string Key, string Value)> Data =>
    [
        (ProfileKey, ProfileId),
        (PropagationKey, Format(PropagationSeconds)),
        (PropagationMeasuredKey, PropagationMeasured ? "true" : "false"),
        (DrainKey, Format(DrainSeconds)),
        (DrainGivenKey, DrainGiven ? "true" : "false"),
        (DrainOverridesKey, DrainOverridesAnnotations ? "true" : "false"),
        (BufferKey, Format(BufferSeconds)),
        (NegDrainingFormulaKey, NegDrainingFormula ? "true" : "false"),
    ];

    private static string Format(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
