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

    /// <summary>Chooses the profile: the requested one, else what the manifests point to, else the default.</summary>
    /// <param name="requested">The --profile value, or null.</param>
    /// <param name="model">The manifests.</param>
    /// <returns>The choice with its reason; null when <paramref name="requested"/> names no profile.</returns>
    public static ProfileChoice? Choose(string? requested, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (requested is not null)
        {
            return Find(requested) is { } chosen ? new ProfileChoice(chosen, "chosen with --profile") : null;
        }

        foreach (var infer in Inferences)
        {
            if (infer(model) is { } inferred)
            {
                return inferred;
            }
        }

        return new ProfileChoice(Default, "default: nothing in the manifests points to a load balancer or ingress");
    }

    /// <summary>Rules that infer a profile from the manifests, tried in order (provider profiles add theirs).</summary>
    internal static List<Func<ClusterModel, ProfileChoice?>> Inferences { get; } = [.. ProviderProfiles.Inferences];
}
