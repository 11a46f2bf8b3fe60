using Handoff.Analysis.Model;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Timing;

/// <summary>The built-in profiles. Numbers and their sources are explained in docs/timing-model.md.</summary>
public static class Profiles
{
    private const string Seed001 = "seed 001: endpoint propagation by cluster size (docs/timing-model.md)";

    /// <summary>kube-proxy in a cluster under 50 nodes: 5-10 s, the upper end used.</summary>
    public static Profile KubeProxySmall { get; } = new(
        "kube-proxy-small", "kube-proxy, cluster under 50 nodes",
        [new DataPlane("kube-proxy", 10, Seed001)],
        "EndpointSlice changes reach every node's kube-proxy rules within 5-10 s in small clusters; Handoff uses 10 s.",
        [Seed001]);

    /// <summary>kube-proxy in a cluster of 50-100 nodes: 10-15 s.</summary>
    public static Profile KubeProxyMedium { get; } = new(
        "kube-proxy-medium", "kube-proxy, cluster of 50-100 nodes",
        [new DataPlane("kube-proxy", 15, Seed001)],
        "More nodes means more kube-proxy instances to update; 10-15 s, Handoff uses 15 s.",
        [Seed001]);

    /// <summary>kube-proxy in a cluster of 100 or more nodes: 15-30 s.</summary>
    public static Profile KubeProxyLarge { get; } = new(
        "kube-proxy-large", "kube-proxy, cluster of 100+ nodes",
        [new DataPlane("kube-proxy", 30, Seed001)],
        "Large clusters and polling controllers take 15-30 s to stop routing to a terminating pod; Handoff uses 30 s.",
        [Seed001]);

    // Provider profiles (Timing/Providers) are part of the built-in list, so --profile and inference know them
    // before anything else runs.
    private static readonly List<Profile> Registered = [KubeProxySmall, KubeProxyMedium, KubeProxyLarge, .. ProviderProfiles.All];

    /// <summary>Every known profile.</summary>
    public static IReadOnlyList<Profile> All => Registered;

    /// <summary>The profile used when nothing else decides.</summary>
    public static Profile Default => KubeProxySmall;

    /// <summary>Finds a profile by id (case-insensitive), or null.</summary>
    public static Profile? Find(string id) => Registered.Find(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds a profile (provider profiles register themselves here).</summary>
    internal static void Register(Profile profile)
    {
        if (Find(profile.Id) is null)
        {
            Registered.Add(profile);
        }
    }

    /// <summary>The reason given when nothing linked to a workload points to a load balancer or ingress.</summary>
    public const string DefaultReason = "default: nothing linked to the workload points to a load balancer or ingress";

    /// <summary>Chooses the profile of one workload: the requested one, else what its own objects point to, else the default.</summary>
    /// <param name="requested">The --profile value, or null.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="model">The manifests.</param>
    /// <returns>The choice with its reason; null when <paramref name="requested"/> names no profile.</returns>
    public static ProfileChoice? Choose(string? requested, Workload workload, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        if (requested is not null)
        {
            return Find(requested) is { } chosen ? new ProfileChoice(chosen, "chosen with --profile") : null;
        }

        foreach (var infer in Inferences)
        {
            if (infer(workload, model) is { } inferred)
            {
                return inferred;
            }
        }

        return new ProfileChoice(Default, DefaultReason);
    }

    /// <summary>
    /// The profile of a whole run: the requested one; else the one every workload got; else the default, with a
    /// reason saying the choice was made per workload.
    /// </summary>
    /// <returns>null when <paramref name="requested"/> names no profile.</returns>
    public static ProfileChoice? Choose(string? requested, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (requested is not null)
        {
            return Find(requested) is { } chosen ? new ProfileChoice(chosen, "chosen with --profile") : null;
        }

        return Summarize(model.Workloads.Select(w => Choose(null, w, model)!));
    }

    /// <summary>The run-level profile of choices already made per workload (no inference is repeated).</summary>
    public static ProfileChoice Summarize(IEnumerable<ProfileChoice> perWorkload)
    {
        ArgumentNullException.ThrowIfNull(perWorkload);
        var choices = perWorkload.DistinctBy(c => c.Profile.Id, StringComparer.Ordinal).ToList();
        return choices.Count switch
        {
            0 => new ProfileChoice(Default, DefaultReason),
            1 => choices[0],
            _ => new ProfileChoice(Default, $"chosen per workload ({string.Join(", ", choices.Select(c => c.Profile.Id))}); see each workload"),
        };
    }

    /// <summary>Rules that infer a workload's profile from the objects linked to it, tried in order.</summary>
    internal static List<Func<Workload, ClusterModel, ProfileChoice?>> Inferences { get; } = [.. ProviderProfiles.Inferences];
}
