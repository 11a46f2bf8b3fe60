using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>
/// The built-in inference strategies, most specific first: GKE NEG, the ALBs, ingress-nginx, any Gateway API route,
/// a Service of type LoadBalancer, then headless Services. Each looks only at what is linked to the workload (its
/// Services, their Ingresses, HTTPRoutes and policies), so a directory that mixes providers gets the right profile for
/// each workload, and each returns the objects and fields it relied on.
/// </summary>
public static class ProviderInferences
{
    /// <summary>The strategies in the order they are tried.</summary>
    public static IReadOnlyList<IProfileInference> All { get; } =
        [new Gke(), new Alb(), new IngressNginx(), new Gateway(), new LoadBalancer(), new Headless()];

    private sealed class Gke : IProfileInference
    {
        public InferredProfile? Infer(Workload workload, ClusterModel model)
        {
            foreach (var service in workload.Services)
            {
                foreach (var key in (string[])[GkeBackends.NegAnnotation, GkeBackends.BackendConfigAnnotation, GkeBackends.BetaBackendConfigAnnotation])
                {
                    if (service.Object.Annotations.TryGetValue(key, out var value))
                    {
                        return Found(new EvidenceFact(EvidenceKind.Annotation, service.Object.Ref, key, value));
                    }
                }

                foreach (var kind in (string[])["GCPBackendPolicy", "HealthCheckPolicy"])
                {
                    if (ProviderObjects.TargetingService(model, service, kind, GkeBackends.PolicyGroup).FirstOrDefault() is { } policy)
                    {
                        return Found(new EvidenceFact(EvidenceKind.Reference, policy.Ref, "spec.targetRef", $"Service '{service.Object.Name}'"));
                    }
                }
            }

            foreach (var route in workload.Routes)
            {
                foreach (var parent in ParentGateways(route, model))
                {
                    if (ProviderObjects.StringAt(parent, "spec", "gatewayClassName")?.Value is { } cls && cls.StartsWith("gke-l7", StringComparison.Ordinal))
                    {
                        return Found(new EvidenceFact(EvidenceKind.Field, parent.Ref, "spec.gatewayClassName", cls));
                    }
                }
            }

            foreach (var ingress in workload.Ingresses)
            {
                if (IngressClasses.Resolve(ingress, model) is { Name: "gce" or "gce-internal", Fact: { } fact })
                {
                    return Found(fact);
                }
            }

            return null;
        }

        private static InferredProfile Found(EvidenceFact fact) => new("gke-neg", ProfileEvidence.Inferred(fact));

        private static IEnumerable<KubeObject> ParentGateways(HttpRoute route, ClusterModel model)
        {
            if (ProviderObjects.At(route.Object.Node, "spec", "parentRefs") is not YSeq refs)
            {
                yield break;
            }

            foreach (var parent in refs.Items.OfType<YMap>())
            {
                var name = (parent["name"] as YScalar)?.Value;
                var ns = (parent["namespace"] as YScalar)?.Value ?? route.Object.Namespace;
                foreach (var gateway in ProviderObjects.OfKind(model, "Gateway", "gateway.networking.k8s.io"))
                {
                    if (gateway.Name == name && gateway.Namespace == ns)
                    {
                        yield return gateway;
                    }
                }
            }
        }
    }

    private sealed class Alb : IProfileInference
    {
        public InferredProfile? Infer(Workload workload, ClusterModel model)
        {
            foreach (var ingress in workload.Ingresses)
            {
                var cls = IngressClasses.Resolve(ingress, model);
                if (AlbSettings.FlavorOf(cls, model) is not { } flavor)
                {
                    continue;
                }

                var facts = new List<EvidenceFact>();
                if (cls.Name == "alb" && cls.Fact is { } classFact)
                {
                    facts.Add(classFact);
                }
                else if (cls.Controller is null)
                {
                    var key = ingress.Object.Annotations.Keys.Order(StringComparer.Ordinal).First(k => k.StartsWith(AlbSettings.Prefix, StringComparison.Ordinal));
                    facts.Add(new EvidenceFact(EvidenceKind.Annotation, ingress.Object.Ref, key));
                }
                else if (cls.Fact is { } named)
                {
                    facts.Add(named);
                }

                if (cls.Controller is { } controller && ClassObject(model, cls) is { } classObject)
                {
                    facts.Add(new EvidenceFact(EvidenceKind.Field, classObject.Ref, "spec.controller", controller));
                }

                if (flavor == AlbFlavor.Alibaba)
                {
                    if (cls.Controller != AlbSettings.AlibabaController)
                    {
                        facts.Add(ProviderObjects.OfKind(model, "AlbConfig", "alibabacloud.com").FirstOrDefault() is { } config
                            ? new EvidenceFact(EvidenceKind.Presence, config.Ref)
                            : new EvidenceFact(EvidenceKind.Annotation, ingress.Object.Ref, AlbSettings.HealthCheckEnabled));
                    }

                    return new InferredProfile("alibaba-alb", ProfileEvidence.Inferred([.. facts]));
                }

                var evidence = cls.Controller == AlbSettings.AwsController
                    ? ProfileEvidence.Inferred([.. facts])
                    : new ProfileEvidence("inferred", facts, "(Alibaba Cloud's ALB Ingress uses the same class: pass --profile alibaba-alb there)");
                return new InferredProfile("aws-alb", evidence);
            }

            return null;
        }
    }

    private sealed class IngressNginx : IProfileInference
    {
        private const string Controller = "k8s.io/ingress-nginx";

        public InferredProfile? Infer(Workload workload, ClusterModel model)
        {
            foreach (var ingress in workload.Ingresses)
            {
                var cls = IngressClasses.Resolve(ingress, model);
                if (cls.Controller == Controller && cls.Fact is { } fact && ClassObject(model, cls) is { } classObject)
                {
                    return new InferredProfile("ingress-nginx", ProfileEvidence.Inferred(fact, new EvidenceFact(EvidenceKind.Field, classObject.Ref, "spec.controller", Controller)));
                }

                if (cls is { Name: "nginx", Fact: { } nginx })
                {
                    return new InferredProfile("ingress-nginx", ProfileEvidence.Inferred(nginx));
                }

                if (ingress.Object.Annotations.Keys.Order(StringComparer.Ordinal).FirstOrDefault(k => k.StartsWith("nginx.ingress.kubernetes.io/", StringComparison.Ordinal)) is { } key)
                {
                    return new InferredProfile("ingress-nginx", ProfileEvidence.Inferred(new EvidenceFact(EvidenceKind.Annotation, ingress.Object.Ref, key)));
                }
            }

            return null;
        }
    }

    private sealed class Gateway : IProfileInference
    {
        public InferredProfile? Infer(Workload workload, ClusterModel model) =>
            workload.Routes is { Count: > 0 } routes && routes[0] is var route
                ? new InferredProfile("gateway", new ProfileEvidence("inferred",
                    [new EvidenceFact(EvidenceKind.Reference, route.Object.Ref, "spec.rules[].backendRefs", "a Service of the workload")], "(it routes through a Gateway)"))
                : null;
    }

    private sealed class LoadBalancer : IProfileInference
    {
        public InferredProfile? Infer(Workload workload, ClusterModel model)
        {
            var services = LoadBalancerServices(workload);
            if (services.Count == 0)
            {
                return null;
            }

            // A known provider beats an unannotated Service; among known ones the first linked wins.
            var chosen = services.Find(s => s.Provider != LoadBalancerProvider.Unknown) ?? services[0];
            var note = chosen.Provider == LoadBalancerProvider.Unknown
                ? "and no provider annotation (pass --profile aws-nlb, aws-clb, gke-l4, azure-lb or metallb to name it)"
                : null;
            return new InferredProfile(chosen.ProfileId, new ProfileEvidence("inferred", [chosen.Fact], note));
        }

        private static List<LoadBalancerService> LoadBalancerServices(Workload workload) => [.. LoadBalancerService.Of(workload)];
    }

    private sealed class Headless : IProfileInference
    {
        public InferredProfile? Infer(Workload workload, ClusterModel model)
        {
            // Only when every Service is headless: a ClusterIP Service beside it is kube-proxy's (the default profile).
            if (workload.Services.Count == 0 || !workload.Services.All(HeadlessServices.IsHeadless))
            {
                return null;
            }

            return new InferredProfile("headless-dns", ProfileEvidence.Inferred([.. workload.Services.Select(s => HeadlessServices.Fact(s.Object))]));
        }
    }

    private static KubeObject? ClassObject(ClusterModel model, IngressClassRef cls)
    {
        var classes = ProviderObjects.OfKind(model, "IngressClass", "networking.k8s.io").Where(c => c.Name == cls.Name).ToList();
        return classes.Find(c => ReferenceEquals(c.File, cls.Ingress.Object.File)) ?? classes.FirstOrDefault();
    }
}
