using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>Which ALB Ingress controller an Ingress is for.</summary>
public enum AlbFlavor
{
    /// <summary>The AWS Load Balancer Controller (ingress class 'alb', controller ingress.k8s.aws/alb).</summary>
    Aws,

    /// <summary>Alibaba Cloud's ALB Ingress controller (controller ingress.k8s.alibabacloud/alb, AlbConfig).</summary>
    Alibaba,
}

/// <summary>
/// The ALB settings of an Ingress and its backend Service, read from the annotations the controllers document
/// (a Service's annotation overrides the Ingress's for target group settings, as the AWS controller does).
/// </summary>
/// <param name="Ingress">The Ingress.</param>
/// <param name="Service">The backend Service.</param>
/// <param name="Flavor">AWS or Alibaba.</param>
public sealed record AlbSettings(Ingress Ingress, Service Service, AlbFlavor Flavor)
{
    /// <summary>The annotation prefix both controllers use.</summary>
    public const string Prefix = "alb.ingress.kubernetes.io/";

    /// <summary>ALB attributes, including idle_timeout.timeout_seconds.</summary>
    public const string LoadBalancerAttributes = Prefix + "load-balancer-attributes";

    /// <summary>Target group attributes, including deregistration_delay.timeout_seconds.</summary>
    public const string TargetGroupAttributes = Prefix + "target-group-attributes";

    /// <summary>The health check path.</summary>
    public const string HealthCheckPath = Prefix + "healthcheck-path";

    /// <summary>Alibaba: health checks are off unless this is "true".</summary>
    public const string HealthCheckEnabled = Prefix + "healthcheck-enabled";

    /// <summary>An ALB's idle timeout when not set: 60 s (Elastic Load Balancing, idle_timeout.timeout_seconds).</summary>
    public const int DefaultIdleTimeoutSeconds = 60;

    /// <summary>A target group's deregistration delay when not set: 300 s (deregistration_delay.timeout_seconds).</summary>
    public const int DefaultDeregistrationDelaySeconds = 300;

    /// <summary>The ALB idle timeout: idle_timeout.timeout_seconds in load-balancer-attributes, else 60 s.</summary>
    public Located<int> IdleTimeout => Attribute(Ingress.Object, LoadBalancerAttributes, "idle_timeout.timeout_seconds") ?? new Located<int>(DefaultIdleTimeoutSeconds, Ingress.Object, null);

    /// <summary>The deregistration delay: deregistration_delay.timeout_seconds in target-group-attributes (Service first), else 300 s.</summary>
    public Located<int> DeregistrationDelay =>
        Attribute(Service.Object, TargetGroupAttributes, "deregistration_delay.timeout_seconds")
        ?? Attribute(Ingress.Object, TargetGroupAttributes, "deregistration_delay.timeout_seconds")
        ?? new Located<int>(DefaultDeregistrationDelaySeconds, Ingress.Object, null);

    /// <summary>
    /// The health check path (Service annotation first, then Ingress); "/" by default. Null for Alibaba when health
    /// checks are not enabled.
    /// </summary>
    public Located<string>? HealthPath
    {
        get
        {
            if (Flavor == AlbFlavor.Alibaba
                && (ProviderObjects.Annotation(Service.Object, HealthCheckEnabled) ?? ProviderObjects.Annotation(Ingress.Object, HealthCheckEnabled))?.Value != "true")
            {
                return null;
            }

            return ProviderObjects.Annotation(Service.Object, HealthCheckPath)
                ?? ProviderObjects.Annotation(Ingress.Object, HealthCheckPath)
                ?? new Located<string>("/", Ingress.Object, null);
        }
    }

    /// <summary>The ALB Ingresses in front of a workload, one entry per (Ingress, Service).</summary>
    public static IReadOnlyList<AlbSettings> Of(Workload workload, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<AlbSettings>();
        foreach (var ingress in workload.Ingresses)
        {
            if (FlavorOf(ingress, model) is not { } flavor)
            {
                continue;
            }

            foreach (var service in workload.Services.Where(s => ingress.Backends.Any(b => b.ServiceName == s.Object.Name)))
            {
                result.Add(new AlbSettings(ingress, service, flavor));
            }
        }

        return result;
    }

    /// <summary>Whether an Ingress is served by an ALB controller, and which; null when it is not.</summary>
    public static AlbFlavor? FlavorOf(Ingress ingress, ClusterModel model) => FlavorOf(IngressClasses.Resolve(ingress, model), model);

    /// <summary>Whether an Ingress of a resolved class is served by an ALB controller, and which; null when it is not.</summary>
    public static AlbFlavor? FlavorOf(IngressClassRef cls, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(model);
        if (cls.Controller == AlibabaController)
        {
            return AlbFlavor.Alibaba;
        }

        if (cls.Controller == AwsController)
        {
            return AlbFlavor.Aws;
        }

        var ingress = cls.Ingress;
        var annotated = ingress.Object.Annotations.Keys.Any(k => k.StartsWith(Prefix, StringComparison.Ordinal));
        if (cls.Name != "alb" && !annotated)
        {
            return null;
        }

        // Both controllers use the class name 'alb' and the same annotation prefix; AlbConfig exists only on Alibaba Cloud.
        return ProviderObjects.OfKind(model, "AlbConfig", "alibabacloud.com").Any() || ingress.Object.Annotations.ContainsKey(HealthCheckEnabled)
            ? AlbFlavor.Alibaba
            : AlbFlavor.Aws;
    }

    /// <summary>The AWS Load Balancer Controller's IngressClass controller name.</summary>
    public const string AwsController = "ingress.k8s.aws/alb";

    /// <summary>Alibaba Cloud's ALB Ingress controller name.</summary>
    public const string AlibabaController = "ingress.k8s.alibabacloud/alb";

    private static Located<int>? Attribute(KubeObject obj, string annotation, string key) =>
        ProviderObjects.Annotation(obj, annotation) is { } attributes
        && ProviderObjects.KeyValues(attributes.Value).TryGetValue(key, out var text)
        && ProviderObjects.Seconds(text) is { } seconds
            ? new Located<int>(seconds, obj, attributes.Node)
            : null;
}
