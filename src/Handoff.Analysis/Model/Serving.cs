using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Model;

/// <summary>What a Service's port is for, as far as the manifests show.</summary>
public enum PortRole
{
    /// <summary>It carries user traffic.</summary>
    Traffic,

    /// <summary>A metrics or monitoring port (its name says so: metrics, http-metrics, prometheus...).</summary>
    Metrics,
}

/// <summary>Why a Service does or does not carry user traffic to the pods it selects.</summary>
public enum ServiceRole
{
    /// <summary>A ClusterIP, NodePort or LoadBalancer Service with at least one traffic port, or any Service an Ingress or route names.</summary>
    Traffic,

    /// <summary>clusterIP: None and no Ingress or route names it: kube-proxy programs nothing, clients resolve pod IPs through DNS.</summary>
    Headless,

    /// <summary>Every port is a metrics port.</summary>
    MetricsOnly,

    /// <summary>Scraped by a ServiceMonitor on every port and named or labelled as an exporter, metrics or monitoring Service.</summary>
    MonitoringOnly,
}

/// <summary>One Service selecting a workload's pods, and what it is for.</summary>
/// <param name="Service">The Service.</param>
/// <param name="Role">Whether it carries user traffic, and if not why.</param>
/// <param name="TrafficPorts">Its ports that carry user traffic (none unless <paramref name="Role"/> is <see cref="ServiceRole.Traffic"/>).</param>
/// <param name="RoutedBy">The Ingresses and routes that name it (an Ingress makes even a headless Service carry traffic: controllers route to endpoints).</param>
public sealed record ServiceUse(Service Service, ServiceRole Role, IReadOnlyList<ServicePort> TrafficPorts, IReadOnlyList<KubeObject> RoutedBy)
{
    /// <summary>Whether the Service carries user traffic.</summary>
    public bool CarriesTraffic => Role == ServiceRole.Traffic;

    /// <summary>One clause for the serving line: "Service 'api' (ClusterIP, port http)", "headless Service 'db' (DNS only, kube-proxy does not program it)".</summary>
    public string Describe()
    {
        var name = Service.Object.Name;
        return Role switch
        {
            ServiceRole.Traffic when RoutedBy.Count > 0 =>
                $"{RoutedBy[0].Kind} '{RoutedBy[0].Name}' -> {(Service.IsHeadless ? "headless " : string.Empty)}Service '{name}'",
            ServiceRole.Traffic => $"{Service.Type} Service '{name}' port {string.Join(", ", TrafficPorts.Select(PortName))}",
            ServiceRole.Headless => $"Service '{name}' is headless (clusterIP: None: clients resolve pod IPs through DNS, kube-proxy does not program it)",
            ServiceRole.MetricsOnly => $"Service '{name}' has only metrics ports ({string.Join(", ", Service.Ports.Select(PortName))})",
            _ => $"Service '{name}' is a monitoring Service scraped by ServiceMonitor '{Service.ServiceMonitors[0].Name}'",
        };
    }

    private static string PortName(ServicePort port) => port.Name ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Whether a workload serves user traffic, decided once when the model is built, with the evidence. Serving means: a
/// Service port that is not headless and not a metrics port, or an Ingress or route, carries user traffic to the
/// pods (DESIGN.md, rule catalogue). Rules whose descriptor scope is serving workloads or containers read it.
/// </summary>
/// <param name="IsServing">Whether any selecting Service carries user traffic.</param>
/// <param name="Uses">Every Service selecting the pods, with its role.</param>
public sealed record Serving(bool IsServing, IReadOnlyList<ServiceUse> Uses)
{
    /// <summary>The workload has no Service at all.</summary>
    public static Serving None { get; } = new(false, []);

    /// <summary>The Services that carry user traffic.</summary>
    public IEnumerable<ServiceUse> Traffic => Uses.Where(u => u.CarriesTraffic);

    /// <summary>The ports, of any Service, that carry user traffic to the pods.</summary>
    public IEnumerable<ServicePort> TrafficPorts => Traffic.SelectMany(u => u.TrafficPorts);

    /// <summary>One short line: "serving: ClusterIP Service 'api' port http" or "not serving: Service 'node-exporter' is headless (...)".</summary>
    /// <remarks>Copies of one Service (the same app in several files of a folder) are named once.</remarks>
    public string Reason => IsServing
        ? $"serving: {string.Join("; ", Traffic.Select(u => u.Describe()).Distinct(StringComparer.Ordinal))}"
        : Uses.Count == 0
            ? "not serving: no Service, Ingress or route sends it traffic"
            : $"not serving: {string.Join("; ", Uses.Select(u => u.Describe()).Distinct(StringComparer.Ordinal))}";

    /// <summary>
    /// Port names that mean metrics or monitoring (Prometheus exporters, kube-prometheus, the Helm charts of the
    /// ingress-nginx, Argo CD and cert-manager projects use them); also any name ending in '-metrics'.
    /// </summary>
    public static bool IsMetricsPortName(string? name) =>
        name is not null && (MetricsPortNames.Contains(name) || name.EndsWith("-metrics", StringComparison.OrdinalIgnoreCase));

    private static readonly HashSet<string> MetricsPortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "metrics", "http-metrics", "https-metrics", "prometheus", "monitoring",
    };

    private static readonly string[] MonitoringComponents = ["exporter", "metrics", "monitoring"];

    /// <summary>Decides what one Service is for.</summary>
    internal static ServiceUse Classify(Service service, IReadOnlyList<KubeObject> routedBy)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (routedBy.Count > 0)
        {
            // Ingress controllers and gateways route to the endpoints themselves, headless or not; the named port is
            // the traffic port (all ports when the backend names none).
            return new ServiceUse(service, ServiceRole.Traffic, service.Ports, routedBy);
        }

        if (service.IsHeadless)
        {
            return new ServiceUse(service, ServiceRole.Headless, [], routedBy);
        }

        var traffic = service.Ports.Where(p => !IsMetricsPortName(p.Name)).ToList();
        if (traffic.Count == 0)
        {
            return new ServiceUse(service, ServiceRole.MetricsOnly, [], routedBy);
        }

        return IsMonitoringService(service, traffic)
            ? new ServiceUse(service, ServiceRole.MonitoringOnly, [], routedBy)
            : new ServiceUse(service, ServiceRole.Traffic, traffic, routedBy);
    }

    /// <summary>
    /// A ClusterIP Service a ServiceMonitor scrapes on every port it has, and that calls itself a monitoring Service
    /// (name ending in -metrics or -exporter, or label app.kubernetes.io/component exporter, metrics or monitoring).
    /// Being scraped alone is not enough: most apps expose /metrics on the port that serves their users.
    /// </summary>
    private static bool IsMonitoringService(Service service, List<ServicePort> ports)
    {
        if (service.ServiceMonitors.Count == 0 || service.Type is "LoadBalancer" or "NodePort")
        {
            return false;
        }

        var scraped = service.ServiceMonitors.SelectMany(ScrapedPorts).ToHashSet(StringComparer.Ordinal);
        if (!ports.TrueForAll(p => p.Name is { } name && scraped.Contains(name)))
        {
            return false;
        }

        var name = service.Object.Name;
        var component = service.Object.Labels.GetValueOrDefault("app.kubernetes.io/component");
        return name.EndsWith("-metrics", StringComparison.Ordinal) || name.EndsWith("-exporter", StringComparison.Ordinal)
            || (component is not null && MonitoringComponents.Contains(component, StringComparer.Ordinal));
    }

    private static IEnumerable<string> ScrapedPorts(KubeObject monitor) =>
        monitor.Node["spec"] is Yaml.YMap spec && spec["endpoints"] is Yaml.YSeq endpoints
            ? endpoints.Items.OfType<Yaml.YMap>().Select(e => (e["port"] as Yaml.YScalar)?.Value).OfType<string>()
            : [];
}
