using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>The IngressClass an Ingress belongs to, and how that was decided.</summary>
/// <param name="Ingress">The Ingress.</param>
/// <param name="Name">The class name, or null when the Ingress names none and the input has no default IngressClass.</param>
/// <param name="Controller">spec.controller of that IngressClass when it is in the input, else null.</param>
/// <param name="Fact">Where the class name was read: spec.ingressClassName, the legacy annotation, or the default IngressClass.</param>
public sealed record IngressClassRef(Ingress Ingress, string? Name, string? Controller, EvidenceFact? Fact)
{
    /// <summary>"Ingress 'shop/web' (class 'traefik')" for messages.</summary>
    public string Describe() =>
        $"Ingress '{Ingress.Object.Namespace}/{Ingress.Object.Name}'" + (Name is null ? " (no class, and no default IngressClass in the input)" : $" (class '{Name}')");
}

/// <summary>Decides an Ingress's class the way the API server and controllers do.</summary>
public static class IngressClasses
{
    /// <summary>The legacy class annotation, read by controllers before spec.ingressClassName existed (still honoured by most).</summary>
    public const string LegacyAnnotation = "kubernetes.io/ingress.class";

    /// <summary>The IngressClass annotation that makes it the cluster's default.</summary>
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>
    /// The class of an Ingress: spec.ingressClassName, else the legacy <c>kubernetes.io/ingress.class</c> annotation,
    /// else the IngressClass marked <c>ingressclass.kubernetes.io/is-default-class: "true"</c> in the input (the admission
    /// controller writes it into new Ingresses without a class).
    /// </summary>
    public static IngressClassRef Resolve(Ingress ingress, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        ArgumentNullException.ThrowIfNull(model);
        var obj = ingress.Object;
        if (ProviderObjects.StringAt(obj, "spec", "ingressClassName") is { } field)
        {
            return new IngressClassRef(ingress, field.Value, Controller(model, field.Value, obj), new EvidenceFact(EvidenceKind.Field, obj.Ref, "spec.ingressClassName", field.Value));
        }

        if (obj.Annotations.TryGetValue(LegacyAnnotation, out var legacy))
        {
            return new IngressClassRef(ingress, legacy, Controller(model, legacy, obj), new EvidenceFact(EvidenceKind.Annotation, obj.Ref, LegacyAnnotation, legacy));
        }

        var defaults = ProviderObjects.OfKind(model, "IngressClass", "networking.k8s.io")
            .Where(c => c.Annotations.TryGetValue(DefaultClassAnnotation, out var v) && v == "true").ToList();
        var chosen = defaults.Find(c => ReferenceEquals(c.File, obj.File)) ?? defaults.FirstOrDefault();
        if (chosen is null)
        {
            return new IngressClassRef(ingress, null, null, null);
        }

        var controller = ProviderObjects.StringAt(chosen, "spec", "controller")?.Value;
        return new IngressClassRef(ingress, chosen.Name, controller, new EvidenceFact(EvidenceKind.Annotation, chosen.Ref, DefaultClassAnnotation, "true"));
    }

    /// <summary>spec.controller of the IngressClass named <paramref name="className"/> in the input, or null.</summary>
    /// <remarks>
    /// IngressClasses are cluster-wide, but an input that spans clusters (a folder of samples for several providers)
    /// can hold two of the same name; the one in the Ingress's own file wins, then the first in the input.
    /// </remarks>
    public static string? Controller(ClusterModel model, string? className, KubeObject? near = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (className is null)
        {
            return null;
        }

        var classes = ProviderObjects.OfKind(model, "IngressClass", "networking.k8s.io").Where(c => c.Name == className).ToList();
        var cls = classes.Find(c => near is not null && ReferenceEquals(c.File, near.File)) ?? classes.FirstOrDefault();
        return cls is null ? null : ProviderObjects.StringAt(cls, "spec", "controller")?.Value;
    }
}
