using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Model;

/// <summary>Links objects within the unit they belong to before linking across units (<see cref="KubeObject.Unit"/>).</summary>
/// <remarks>
/// A tree holding several apps (or a base and its overlays) may hold two Services 'api' in one namespace, or a PDB whose
/// selector matches another app's pods. A link between two units is kept only when neither end has a partner in its own
/// unit: a Deployment and its Service in separate folders still link, but billing's PDB does not cover catalog's pods
/// when billing's own Deployment is right beside it.
/// </remarks>
internal static class Units
{
    /// <summary>The pairs to keep, in input order.</summary>
    public static List<T> Prefer<T>(List<T> pairs, Func<T, KubeObject> left, Func<T, KubeObject> right)
    {
        var leftAtHome = new HashSet<KubeObject>(ReferenceEqualityComparer.Instance);
        var rightAtHome = new HashSet<KubeObject>(ReferenceEqualityComparer.Instance);
        foreach (var pair in pairs)
        {
            KubeObject a = left(pair), b = right(pair);
            if (SameUnit(a, b))
            {
                leftAtHome.Add(a);
                rightAtHome.Add(b);
            }
        }

        return pairs.FindAll(pair =>
        {
            KubeObject a = left(pair), b = right(pair);
            return SameUnit(a, b) || (!leftAtHome.Contains(a) && !rightAtHome.Contains(b));
        });
    }

    private static bool SameUnit(KubeObject a, KubeObject b) => string.Equals(a.Unit, b.Unit, StringComparison.Ordinal);
}
