using System.Globalization;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>Types the objects the rules need and links them; an object with a mistyped field becomes an error, not a guess.</summary>
internal static class ModelBuilder
{
    private static readonly HashSet<string> WorkloadKinds = new(StringComparer.Ordinal)
    {
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod", "Rollout",
    };

    public static ClusterModel Build(ManifestSet manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        var errors = new List<InputError>(manifests.Errors);
        var workloads = new List<Workload>();
        var services = new List<Service>();
        var disruptionBudgets = new List<PodDisruptionBudget>();
        var ingresses = new List<Ingress>();
        var routes = new List<HttpRoute>();
        var autoscalers = new List<Autoscaler>();

        foreach (var obj in manifests.Objects)
        {
            var reader = new FieldReader(obj, errors);
            switch (obj.Kind)
            {
                case var k when WorkloadKinds.Contains(k) && IsWorkloadApi(obj):
                    Add(workloads, ReadWorkload(reader), reader);
                    break;
                case "Service" when obj.ApiVersion == "v1":
                    Add(services, ReadService(reader), reader);
                    break;
                case "PodDisruptionBudget":
                    Add(disruptionBudgets, ReadDisruptionBudget(reader), reader);
                    break;
                case "Ingress" when obj.Group is "networking.k8s.io" or "extensions":
                    Add(ingresses, ReadIngress(reader), reader);
                    break;
                case "HTTPRoute" or "GRPCRoute" when obj.Group == "gateway.networking.k8s.io":
                    Add(routes, ReadRoute(reader), reader);
                    break;
                case "HorizontalPodAutoscaler" when obj.Group == "autoscaling":
                    Add(autoscalers, ReadAutoscaler(reader), reader);
                    break;
                case "ScaledObject" when obj.Group == "keda.sh":
                    Add(autoscalers, ReadScaledObject(reader), reader);
                    break;
                default:
                    break;
            }
        }

        ResolveDefaultIngressClass(manifests.Objects, ingresses);
        LinkServiceMonitors(manifests.Objects, services);
        Link(workloads, services, disruptionBudgets, ingresses, routes, autoscalers);
        var notes = new List<Note>(manifests.Notes);
        notes.AddRange(ModelNotes.NotChecked(manifests.Objects, workloads));
        notes.AddRange(ModelNotes.DefinedTwice(manifests.Objects));
        return new ClusterModel(manifests, workloads, services, disruptionBudgets, ingresses, routes, autoscalers, errors, notes);
    }

    /// <summary>An Ingress without a class takes the IngressClass marked default, when the input holds exactly one.</summary>
    private static void ResolveDefaultIngressClass(IReadOnlyList<KubeObject> objects, List<Ingress> ingresses)
    {
        var defaults = objects.Where(o => o.Kind == "IngressClass" && o.Group == "networking.k8s.io"
            && o.Annotations.TryGetValue("ingressclass.kubernetes.io/is-default-class", out var flag) && flag == "true").ToList();
        if (defaults.Count != 1)
        {
            // None: the cluster's default is not in the input. Several: the API server refuses new class-less Ingresses.
            return;
        }

        for (var i = 0; i < ingresses.Count; i++)
        {
            if (ingresses[i].ClassSource == IngressClassSource.None)
            {
                ingresses[i] = ingresses[i] with { EffectiveClassName = defaults[0].Name, ClassSource = IngressClassSource.DefaultIngressClass };
            }
        }
    }

    /// <summary>
    /// Links ServiceMonitors to the Services they scrape: spec.selector (matchLabels, matchExpressions) on the Service's
    /// labels, in spec.namespaceSelector.matchNames, every namespace with any: true, else the ServiceMonitor's own.
    /// </summary>
    private static void LinkServiceMonitors(IReadOnlyList<KubeObject> objects, List<Service> services)
    {
        foreach (var monitor in objects.Where(o => o.Kind == "ServiceMonitor" && o.Group == "monitoring.coreos.com"))
        {
            if (monitor.Node["spec"] is not YMap spec || spec["selector"] is not YMap selectorNode)
            {
                continue;
            }

            var matchLabels = KubeObject.ReadStringMap(selectorNode["matchLabels"] as YMap);
            var expressions = new List<LabelRequirement>();
            if (selectorNode["matchExpressions"] is YSeq seq)
            {
                foreach (var item in seq.Items.OfType<YMap>())
                {
                    expressions.Add(new LabelRequirement((item["key"] as YScalar)?.Value ?? string.Empty, (item["operator"] as YScalar)?.Value ?? string.Empty,
                        (item["values"] as YSeq)?.Items.OfType<YScalar>().Select(v => v.Value).ToList() ?? []));
                }
            }

            var selector = new LabelSelector(matchLabels, expressions);
            var namespaces = spec["namespaceSelector"] as YMap;
            var any = (namespaces?["any"] as YScalar)?.AsBoolean() == true;
            var names = (namespaces?["matchNames"] as YSeq)?.Items.OfType<YScalar>().Select(v => v.Value).ToHashSet(StringComparer.Ordinal);
            foreach (var service in services)
            {
                var inNamespace = any || (names is { Count: > 0 } ? names.Contains(service.Object.Namespace) : service.Object.Namespace == monitor.Namespace);
                if (inNamespace && selector.Matches(service.Object.Labels))
                {
                    service.ServiceMonitorsList.Add(monitor);
                }
            }
        }
    }

    private static bool IsWorkloadApi(KubeObject obj) => obj.Kind switch
    {
        "Pod" or "ReplicationController" => obj.ApiVersion == "v1",
        "Rollout" => obj.Group == "argoproj.io",
        _ => obj.Group is "apps" or "extensions",
    };

    private static void Add<T>(List<T> list, T? item, FieldReader reader)
        where T : class
    {
        if (item is not null && !reader.HasErrors)
        {
            list.Add(item);
        }
    }

    private static void Link(List<Workload> workloads, List<Service> services, List<PodDisruptionBudget> disruptionBudgets,
        List<Ingress> ingresses, List<HttpRoute> routes, List<Autoscaler> autoscalers)
    {
        // Links never cross namespaces, and a selector can only match pods carrying its first label pair: indexing by
        // both keeps a 10,000-object corpus from comparing every workload with every Service of its namespace.
        var serviceIndex = new SelectorIndex<Service>(services.Where(s => s.HasSelector && s.Ports.Count > 0), s => s.Object.Namespace, s => s.Selector);
        var disruptionBudgetIndex = new SelectorIndex<PodDisruptionBudget>(disruptionBudgets.Where(b => b.SelectsAny), b => b.Object.Namespace,
            b => b.Selector!.Expressions.Count == 0 ? b.Selector.MatchLabels : null);
        var servicePairs = new List<(Workload Workload, Service Service)>();
        var budgetPairs = new List<(Workload Workload, PodDisruptionBudget Budget)>();
        foreach (var workload in workloads)
        {
            var ns = workload.Object.Namespace;
            var labels = workload.Pod.Labels;
            foreach (var service in serviceIndex.Candidates(ns, labels))
            {
                if (LabelSelector.MatchesAll(service.Selector, labels))
                {
                    servicePairs.Add((workload, service));
                }
            }

            foreach (var disruptionBudget in disruptionBudgetIndex.Candidates(ns, labels))
            {
                if (disruptionBudget.Selects(labels))
                {
                    budgetPairs.Add((workload, disruptionBudget));
                }
            }
        }

        foreach (var (workload, service) in Units.Prefer(servicePairs, p => p.Workload.Object, p => p.Service.Object))
        {
            workload.ServicesList.Add(service);
        }

        foreach (var (workload, disruptionBudget) in Units.Prefer(budgetPairs, p => p.Workload.Object, p => p.Budget.Object))
        {
            workload.DisruptionBudgetsList.Add(disruptionBudget);
        }

        // Ingresses and routes name a Service by namespace and name; two apps in one tree may both have Service 'api'.
        var servicesByName = services.ToLookup(s => (s.Object.Namespace, s.Object.Name));
        var ingressPairs = ingresses.SelectMany(i => i.Backends.SelectMany(b => servicesByName[(b.Namespace, b.ServiceName)].Select(s => (Service: s, Ingress: i)))).Distinct().ToList();
        var routePairs = routes.SelectMany(r => r.Backends.SelectMany(b => servicesByName[(b.Namespace, b.ServiceName)].Select(s => (Service: s, Route: r)))).Distinct().ToList();
        var ingressesByService = Units.Prefer(ingressPairs, p => p.Service.Object, p => p.Ingress.Object).ToLookup(p => p.Service, p => p.Ingress);
        var routesByService = Units.Prefer(routePairs, p => p.Service.Object, p => p.Route.Object).ToLookup(p => p.Service, p => p.Route);

        var workloadsByTarget = workloads.ToLookup(w => (w.Object.Namespace, w.Kind, w.Name));
        var autoscalerPairs = autoscalers.SelectMany(a => workloadsByTarget[(a.Object.Namespace, a.TargetKind, a.TargetName)].Select(w => (Workload: w, Autoscaler: a))).ToList();
        foreach (var (workload, autoscaler) in Units.Prefer(autoscalerPairs, p => p.Workload.Object, p => p.Autoscaler.Object))
        {
            workload.Autoscaler ??= autoscaler;
        }

        foreach (var workload in workloads)
        {
            foreach (var service in workload.ServicesList)
            {
                AddDistinct(workload.IngressesList, ingressesByService[service]);
                AddDistinct(workload.RoutesList, routesByService[service]);
            }

            var uses = workload.ServicesList.ConvertAll(s => Serving.Classify(s, [.. ingressesByService[s].Select(i => i.Object), .. routesByService[s].Select(r => r.Object)]));
            workload.Serving = new Serving(uses.Exists(u => u.CarriesTraffic), uses);
        }
    }

    /// <summary>
    /// Objects with label selectors, found by namespace and by the first pair of their plain selector; those whose
    /// selector has no plain pair (empty, or with expressions) are candidates for every pod of their namespace.
    /// Candidates come back in input order, so links keep the order of the manifests.
    /// </summary>
    private sealed class SelectorIndex<T>
    {
        private readonly Dictionary<(string Ns, string Key, string Value), List<(int Order, T Item)>> _byPair = [];
        private readonly Dictionary<string, List<(int Order, T Item)>> _always = new(StringComparer.Ordinal);
        private readonly List<(int Order, T Item)> _found = [];

        public SelectorIndex(IEnumerable<T> items, Func<T, string> ns, Func<T, IReadOnlyDictionary<string, string>?> plainSelector)
        {
            var order = 0;
            foreach (var item in items)
            {
                var entry = (order++, item);
                var pairs = plainSelector(item);
                if (pairs is { Count: > 0 })
                {
                    var (key, value) = pairs.First();
                    Add(_byPair, (ns(item), key, value), entry);
                }
                else
                {
                    Add(_always, ns(item), entry);
                }
            }
        }

        public List<T> Candidates(string ns, IReadOnlyDictionary<string, string> labels)
        {
            _found.Clear();
            if (_always.TryGetValue(ns, out var always))
            {
                _found.AddRange(always);
            }

            foreach (var (key, value) in labels)
            {
                if (_byPair.TryGetValue((ns, key, value), out var matching))
                {
                    _found.AddRange(matching);
                }
            }

            _found.Sort((a, b) => a.Order.CompareTo(b.Order));
            return _found.ConvertAll(f => f.Item);
        }

        private static void Add<TKey>(Dictionary<TKey, List<(int, T)>> index, TKey key, (int, T) entry)
            where TKey : notnull
        {
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(entry);
        }
    }

    private static void AddDistinct<T>(List<T> list, IEnumerable<T> items)
        where T : class
    {
        foreach (var item in items)
        {
            if (!list.Exists(x => ReferenceEquals(x, item)))
            {
                list.Add(item);
            }
        }
    }

    private static Workload? ReadWorkload(FieldReader r)
    {
        var obj = r.Object;
        var spec = r.Map(obj.Node, "spec", "spec");
        if (spec is null)
        {
            r.Fail(obj.Node, $"a {obj.Kind} needs a 'spec'");
            return null;
        }

        YMap? template;
        YMap? templateMetadata;
        YMap? podSpec;
        IReadOnlyDictionary<string, string> podLabels;
        IReadOnlyDictionary<string, string> podAnnotations;
        if (obj.Kind == "Pod")
        {
            template = null;
            templateMetadata = obj.Metadata;
            podSpec = spec;
            podLabels = obj.Labels;
            podAnnotations = obj.Annotations;
        }
        else
        {
            template = r.Map(spec, "template", "spec.template");
            templateMetadata = r.Map(template, "metadata", "spec.template.metadata");
            podSpec = r.Map(template, "spec", "spec.template.spec");
            podLabels = r.StringMap(templateMetadata, "labels", "spec.template.metadata.labels");
            podAnnotations = r.StringMap(templateMetadata, "annotations", "spec.template.metadata.annotations");
            if (podSpec is null)
            {
                // An Argo Rollout may reference a Deployment's template instead (workloadRef); nothing to check here.
                if (obj.Kind == "Rollout" && spec["workloadRef"] is not null)
                {
                    return null;
                }

                r.Fail(template ?? (YNode)spec, $"a {obj.Kind} needs 'spec.template.spec'");
                return null;
            }
        }

        var prefix = obj.Kind == "Pod" ? "spec" : "spec.template.spec";
        var containers = ReadContainers(r, podSpec, "containers", prefix);
        var initContainers = ReadContainers(r, podSpec, "initContainers", prefix);
        var grace = r.Int(podSpec, "terminationGracePeriodSeconds", new FieldPath(prefix, "terminationGracePeriodSeconds"));
        var pod = new PodTemplate(containers, initContainers, grace, podLabels, podAnnotations, template, templateMetadata, podSpec)
        {
            HostNetwork = r.Bool(podSpec, "hostNetwork", new FieldPath(prefix, "hostNetwork")) == true,
        };

        int? replicas = obj.Kind is "Pod" or "DaemonSet" ? null : r.Int(spec, "replicas", "spec.replicas");
        var minReady = r.Int(spec, "minReadySeconds", "spec.minReadySeconds") ?? 0;
        // A ReplicationController's selector is a plain label map, and defaults to the template's labels.
        var selector = obj.Kind == "ReplicationController"
            ? new LabelSelector(spec["selector"] is null ? podLabels : r.StringMap(spec, "selector", "spec.selector"), [])
            : ReadSelector(r, r.Map(spec, "selector", "spec.selector"), "spec.selector");
        UpdateStrategy? strategy = null;
        if (obj.Kind == "Deployment")
        {
            strategy = ReadRollingStrategy(r, spec, "strategy");
        }
        else if (obj.Kind == "DaemonSet")
        {
            // apps/v1 DaemonSet: spec.updateStrategy, RollingUpdate by default with maxUnavailable 1 and maxSurge 0.
            strategy = ReadRollingStrategy(r, spec, "updateStrategy");
        }
        else if (obj.Kind == "Rollout")
        {
            var s = r.Map(spec, "strategy", "spec.strategy");
            var canary = r.Map(s, "canary", "spec.strategy.canary");
            var blueGreen = r.Map(s, "blueGreen", "spec.strategy.blueGreen");
            strategy = canary is not null
                ? new UpdateStrategy("Canary", r.IntOrString(canary, "maxSurge", "spec.strategy.canary.maxSurge"), r.IntOrString(canary, "maxUnavailable", "spec.strategy.canary.maxUnavailable"), canary)
                : new UpdateStrategy(blueGreen is not null ? "BlueGreen" : "Canary", null, null, blueGreen ?? s);
        }

        return new Workload(obj, replicas, strategy, minReady, selector, pod);
    }

    /// <summary>A Deployment's spec.strategy or a DaemonSet's spec.updateStrategy: type (default RollingUpdate) and rollingUpdate.</summary>
    private static UpdateStrategy ReadRollingStrategy(FieldReader r, YMap spec, string key)
    {
        var s = r.Map(spec, key, $"spec.{key}");
        var rolling = r.Map(s, "rollingUpdate", $"spec.{key}.rollingUpdate");
        return new UpdateStrategy(
            r.String(s, "type", $"spec.{key}.type") ?? "RollingUpdate",
            r.IntOrString(rolling, "maxSurge", $"spec.{key}.rollingUpdate.maxSurge"),
            r.IntOrString(rolling, "maxUnavailable", $"spec.{key}.rollingUpdate.maxUnavailable"),
            s);
    }

    private static List<Container> ReadContainers(FieldReader r, YMap podSpec, string key, string prefix)
    {
        var result = new List<Container>();
        var seq = r.Seq(podSpec, key, new FieldPath(prefix, key));
        if (seq is null)
        {
            return result;
        }

        for (var i = 0; i < seq.Items.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{prefix}.{key}[{i}]");
            if (seq.Items[i] is not YMap c)
            {
                r.Fail(seq.Items[i], $"'{path}' must be a mapping");
                continue;
            }

            var name = r.String(c, "name", new FieldPath(path, "name")) ?? $"#{i}";
            var ports = new List<ContainerPort>();
            var portSeq = r.Seq(c, "ports", new FieldPath(path, "ports"));
            if (portSeq is not null)
            {
                for (var p = 0; p < portSeq.Items.Count; p++)
                {
                    var portPath = string.Create(CultureInfo.InvariantCulture, $"{path}.ports[{p}]");
                    if (portSeq.Items[p] is YMap pm && r.Int(pm, "containerPort", new FieldPath(portPath, "containerPort")) is { } number)
                    {
                        ports.Add(new ContainerPort(r.String(pm, "name", new FieldPath(portPath, "name")), number, r.String(pm, "protocol", new FieldPath(portPath, "protocol")) ?? "TCP")
                        {
                            HostPort = r.Int(pm, "hostPort", new FieldPath(portPath, "hostPort")),
                        });
                    }
                }
            }

            var lifecycle = r.Map(c, "lifecycle", new FieldPath(path, "lifecycle"));
            var preStopNode = r.Map(lifecycle, "preStop", new FieldPath(path, "lifecycle.preStop"));
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            var envFrom = new List<string>();
            if (r.Seq(c, "env", new FieldPath(path, "env")) is { } envSeq)
            {
                foreach (var item in envSeq.Items.OfType<YMap>())
                {
                    if (item["name"] is YScalar n && item["value"] is YScalar v)
                    {
                        env[n.Value] = v.Value;
                    }
                    else if (item["name"] is YScalar from && item["valueFrom"] is YMap)
                    {
                        envFrom.Add(from.Value);
                    }
                }
            }

            result.Add(new Container(
                name,
                r.String(c, "image", new FieldPath(path, "image")),
                r.StringList(c, "command", new FieldPath(path, "command")),
                r.StringList(c, "args", new FieldPath(path, "args")),
                ports,
                preStopNode is null ? null : ReadHandler(r, preStopNode, path + ".lifecycle.preStop"),
                ReadProbe(r, c, "readinessProbe", path),
                ReadProbe(r, c, "livenessProbe", path),
                ReadProbe(r, c, "startupProbe", path),
                env,
                IsNativeSidecar: key == "initContainers" && r.String(c, "restartPolicy", new FieldPath(path, "restartPolicy")) == "Always",
                c)
            {
                EnvFrom = envFrom,
            });
        }

        return result;
    }

    private static Probe? ReadProbe(FieldReader r, YMap container, string key, string path)
    {
        var node = r.Map(container, key, new FieldPath(path, key));
        if (node is null)
        {
            return null;
        }

        var p = path + "." + key;
        return new Probe(
            ReadHandler(r, node, p),
            r.Int(node, "initialDelaySeconds", new FieldPath(p, "initialDelaySeconds")) ?? 0,
            r.Int(node, "periodSeconds", new FieldPath(p, "periodSeconds")) ?? Probe.DefaultPeriodSeconds,
            r.Int(node, "timeoutSeconds", new FieldPath(p, "timeoutSeconds")) ?? 1,
            r.Int(node, "failureThreshold", new FieldPath(p, "failureThreshold")) ?? Probe.DefaultFailureThreshold,
            r.Int(node, "successThreshold", new FieldPath(p, "successThreshold")) ?? 1,
            node);
    }

    private static Handler ReadHandler(FieldReader r, YMap node, string path)
    {
        if (r.Map(node, "exec", new FieldPath(path, "exec")) is { } exec)
        {
            return new Handler(HandlerKind.Exec, r.StringList(exec, "command", new FieldPath(path, "exec.command")) ?? [], null, null, null, node);
        }

        if (r.Map(node, "httpGet", new FieldPath(path, "httpGet")) is { } http)
        {
            return new Handler(HandlerKind.HttpGet, [], r.String(http, "path", new FieldPath(path, "httpGet.path")) ?? "/", r.IntOrString(http, "port", new FieldPath(path, "httpGet.port")), null, node);
        }

        if (r.Map(node, "tcpSocket", new FieldPath(path, "tcpSocket")) is { } tcp)
        {
            return new Handler(HandlerKind.TcpSocket, [], null, r.IntOrString(tcp, "port", new FieldPath(path, "tcpSocket.port")), null, node);
        }

        if (r.Map(node, "grpc", new FieldPath(path, "grpc")) is { } grpc)
        {
            return new Handler(HandlerKind.Grpc, [], null, r.IntOrString(grpc, "port", new FieldPath(path, "grpc.port")), null, node);
        }

        if (r.Map(node, "sleep", new FieldPath(path, "sleep")) is { } sleep)
        {
            return new Handler(HandlerKind.Sleep, [], null, null, r.Int(sleep, "seconds", new FieldPath(path, "sleep.seconds")) ?? 0, node);
        }

        return new Handler(HandlerKind.None, [], null, null, null, node);
    }

    private static LabelSelector? ReadSelector(FieldReader r, YMap? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        var expressions = new List<LabelRequirement>();
        if (r.Seq(node, "matchExpressions", new FieldPath(path, "matchExpressions")) is { } seq)
        {
            foreach (var item in seq.Items.OfType<YMap>())
            {
                expressions.Add(new LabelRequirement(
                    r.String(item, "key", new FieldPath(path, "matchExpressions.key")) ?? string.Empty,
                    r.String(item, "operator", new FieldPath(path, "matchExpressions.operator")) ?? string.Empty,
                    r.StringList(item, "values", new FieldPath(path, "matchExpressions.values")) ?? []));
            }
        }

        return new LabelSelector(r.StringMap(node, "matchLabels", new FieldPath(path, "matchLabels")), expressions);
    }

    private static Service? ReadService(FieldReader r)
    {
        var spec = r.Map(r.Object.Node, "spec", "spec");
        var ports = new List<ServicePort>();
        if (r.Seq(spec, "ports", "spec.ports") is { } seq)
        {
            for (var i = 0; i < seq.Items.Count; i++)
            {
                if (seq.Items[i] is not YMap p)
                {
                    r.Fail(seq.Items[i], $"'spec.ports[{i}]' must be a mapping");
                    continue;
                }

                var portPath = string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}]");
                if (r.Int(p, "port", new FieldPath(portPath, "port")) is { } port)
                {
                    ports.Add(new ServicePort(r.String(p, "name", new FieldPath(portPath, "name")), port,
                        r.IntOrString(p, "targetPort", new FieldPath(portPath, "targetPort")) ?? new IntOrString(port, null))
                    {
                        AppProtocol = r.String(p, "appProtocol", new FieldPath(portPath, "appProtocol")),
                        Protocol = r.String(p, "protocol", new FieldPath(portPath, "protocol")) ?? "TCP",
                    });
                }
            }
        }

        return new Service(r.Object, r.StringMap(spec, "selector", "spec.selector"), ports, r.String(spec, "type", "spec.type") ?? "ClusterIP")
        {
            ClusterIP = r.String(spec, "clusterIP", "spec.clusterIP"),
            ExternalTrafficPolicy = r.String(spec, "externalTrafficPolicy", "spec.externalTrafficPolicy"),
            HealthCheckNodePort = r.Int(spec, "healthCheckNodePort", "spec.healthCheckNodePort"),
        };
    }

    private static PodDisruptionBudget? ReadDisruptionBudget(FieldReader r)
    {
        var spec = r.Map(r.Object.Node, "spec", "spec");
        return new PodDisruptionBudget(r.Object,
            ReadSelector(r, r.Map(spec, "selector", "spec.selector"), "spec.selector"),
            r.IntOrString(spec, "minAvailable", "spec.minAvailable"),
            r.IntOrString(spec, "maxUnavailable", "spec.maxUnavailable"),
            r.String(spec, "unhealthyPodEvictionPolicy", "spec.unhealthyPodEvictionPolicy"));
    }

    private static Ingress? ReadIngress(FieldReader r)
    {
        var obj = r.Object;
        var spec = r.Map(obj.Node, "spec", "spec");
        var backends = new List<BackendRef>();
        void AddBackend(YMap? backend, string path)
        {
            // networking.k8s.io/v1: backend.service.{name, port.{number|name}}; v1beta1: serviceName/servicePort.
            if (r.Map(backend, "service", new FieldPath(path, "service")) is { } svc && r.String(svc, "name", new FieldPath(path, "service.name")) is { } name)
            {
                var port = r.Map(svc, "port", new FieldPath(path, "service.port"));
                IntOrString? p = r.Int(port, "number", new FieldPath(path, "service.port.number")) is { } n ? new IntOrString(n, null, port)
                    : r.String(port, "name", new FieldPath(path, "service.port.name")) is { } pn ? new IntOrString(null, pn, port) : null;
                backends.Add(new BackendRef(obj.Namespace, name, p, backend!));
            }
            else if (r.String(backend, "serviceName", new FieldPath(path, "serviceName")) is { } legacy)
            {
                backends.Add(new BackendRef(obj.Namespace, legacy, r.IntOrString(backend, "servicePort", new FieldPath(path, "servicePort")), backend!));
            }
        }

        AddBackend(r.Map(spec, "defaultBackend", "spec.defaultBackend") ?? r.Map(spec, "backend", "spec.backend"), "spec.defaultBackend");
        if (r.Seq(spec, "rules", "spec.rules") is { } rules)
        {
            foreach (var rule in rules.Items.OfType<YMap>())
            {
                var http = r.Map(rule, "http", "spec.rules.http");
                if (r.Seq(http, "paths", "spec.rules.http.paths") is { } paths)
                {
                    foreach (var path in paths.Items.OfType<YMap>())
                    {
                        AddBackend(r.Map(path, "backend", "spec.rules.http.paths.backend"), "spec.rules.http.paths.backend");
                    }
                }
            }
        }

        var specClass = r.String(spec, "ingressClassName", "spec.ingressClassName");
        var annotated = obj.Annotations.TryGetValue("kubernetes.io/ingress.class", out var legacy) ? legacy : null;
        var className = specClass ?? annotated;
        return new Ingress(obj, className, backends)
        {
            EffectiveClassName = className,
            ClassSource = specClass is not null ? IngressClassSource.Spec : annotated is not null ? IngressClassSource.Annotation : IngressClassSource.None,
        };
    }

    private static HttpRoute? ReadRoute(FieldReader r)
    {
        var obj = r.Object;
        var spec = r.Map(obj.Node, "spec", "spec");
        var backends = new List<BackendRef>();
        if (r.Seq(spec, "rules", "spec.rules") is { } rules)
        {
            foreach (var rule in rules.Items.OfType<YMap>())
            {
                if (r.Seq(rule, "backendRefs", "spec.rules.backendRefs") is not { } refs)
                {
                    continue;
                }

                foreach (var backend in refs.Items.OfType<YMap>())
                {
                    var kind = r.String(backend, "kind", "spec.rules.backendRefs.kind") ?? "Service";
                    var group = r.String(backend, "group", "spec.rules.backendRefs.group") ?? string.Empty;
                    if (kind != "Service" || group.Length > 0 || r.String(backend, "name", "spec.rules.backendRefs.name") is not { } name)
                    {
                        continue;
                    }

                    backends.Add(new BackendRef(r.String(backend, "namespace", "spec.rules.backendRefs.namespace") ?? obj.Namespace, name,
                        r.Int(backend, "port", "spec.rules.backendRefs.port") is { } port ? new IntOrString(port, null) : null, backend));
                }
            }
        }

        return new HttpRoute(obj, backends);
    }

    private static Autoscaler? ReadAutoscaler(FieldReader r)
    {
        var spec = r.Map(r.Object.Node, "spec", "spec");
        var target = r.Map(spec, "scaleTargetRef", "spec.scaleTargetRef");
        var kind = r.String(target, "kind", "spec.scaleTargetRef.kind");
        var name = r.String(target, "name", "spec.scaleTargetRef.name");
        var min = r.Int(spec, "minReplicas", "spec.minReplicas");

        // autoscaling/v1 and v2: minReplicas defaults to 1.
        return kind is null || name is null ? null
            : new Autoscaler(r.Object, kind, name, min, min ?? 1, min is null ? "minReplicas (default 1)" : "minReplicas");
    }

    private static Autoscaler? ReadScaledObject(FieldReader r)
    {
        // KEDA (keda.sh/v1alpha1): scaleTargetRef.kind defaults to Deployment; minReplicaCount defaults to 0, so an idle
        // workload is scaled to zero; idleReplicaCount (below minReplicaCount) is what runs when no trigger is active.
        // https://keda.sh/docs/latest/reference/scaledobject-spec/
        var spec = r.Map(r.Object.Node, "spec", "spec");
        var target = r.Map(spec, "scaleTargetRef", "spec.scaleTargetRef");
        var name = r.String(target, "name", "spec.scaleTargetRef.name");
        if (name is null)
        {
            return null;
        }

        var kind = r.String(target, "kind", "spec.scaleTargetRef.kind") ?? "Deployment";
        var min = r.Int(spec, "minReplicaCount", "spec.minReplicaCount");
        var idle = r.Int(spec, "idleReplicaCount", "spec.idleReplicaCount");
        return idle is { } idleCount
            ? new Autoscaler(r.Object, kind, name, idle, idleCount, "idleReplicaCount")
            : new Autoscaler(r.Object, kind, name, min, min ?? 0, min is null ? "minReplicaCount (KEDA's default 0)" : "minReplicaCount");
    }
}
