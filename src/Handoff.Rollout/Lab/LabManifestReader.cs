using System.Globalization;
using Handoff.Analysis.Input;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;

namespace Handoff.Rollout.Lab;

/// <summary>Maps the one Deployment the lab runs from the analyzer's model to a <see cref="LabDeploymentSpec"/>.</summary>
/// <remarks>
/// A thin adapter: the manifest is read by the analyzer's input layer (<see cref="ManifestSet"/>, so <c>lab</c> accepts
/// what <c>check</c> accepts), typed by its model (<see cref="ClusterModel"/>), and its timing comes from the one
/// Kubernetes model (<see cref="PodTermination"/> for Track A, the Deployment controller's rounding for the rollout).
/// What the lab cannot emulate, and what the API server would reject, is collected with its position and reported
/// all at once; nothing is silently approximated.
/// </remarks>
public static class LabManifestReader
{
    /// <summary>The Kubernetes version whose API rules the lab applies (the analyzer's default).</summary>
    public static KubernetesVersion Version => KubernetesVersion.Default;

    /// <summary>Reads <paramref name="path"/> (or standard input for "-"); picks the Deployment named <paramref name="workload"/>, or the only one.</summary>
    /// <exception cref="LabManifestException">The file is unreadable, or the Deployment cannot be run by the lab (every problem is listed).</exception>
    public static LabDeploymentSpec Read(string path, string? workload = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Select(ManifestSet.Load([path]), path, workload);
    }

    /// <summary>Reads manifest <paramref name="yaml"/>; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="LabManifestException">The text is not YAML, or the Deployment cannot be run by the lab.</exception>
    public static LabDeploymentSpec Parse(string yaml, string file, string? workload = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        return Select(ManifestSet.Parse([new SourceFile(file, yaml, SourceKind.Manifest)]), file, workload);
    }

    private static LabDeploymentSpec Select(ManifestSet manifests, string file, string? workload)
    {
        // What 'check' would refuse (unreadable, malformed, an alias bomb, a mistyped field) the lab refuses too, with the same words.
        var model = ClusterModel.Build(manifests);
        var deployments = model.Workloads
            .Where(w => string.Equals(w.Kind, "Deployment", StringComparison.Ordinal))
            .Where(w => workload is null || string.Equals(w.Name, workload, StringComparison.Ordinal))
            .ToList();
        var errors = new List<InputError>(model.Errors);
        if (errors.Count == 0 && deployments.Count == 0)
        {
            var what = workload is null ? "Deployment" : $"Deployment named '{workload}'";
            errors.Add(new InputError(file, 1, null, $"The manifest has no {what}; the lab runs one Deployment."));
        }

        if (deployments.Count > 1)
        {
            var second = deployments[1].Object.LocationOf();
            errors.Add(new InputError(second.File, second.Line, second.Column, $"The manifest has {deployments.Count} Deployments; choose one with --workload NAME."));
        }

        if (errors.Count > 0)
        {
            throw new LabManifestException(errors);
        }

        var adapter = new Adapter(deployments[0]);
        var spec = adapter.Map();
        return adapter.Errors.Count > 0 ? throw new LabManifestException(adapter.Errors) : spec;
    }

    private sealed class Adapter(Workload deployment)
    {
        private readonly List<string> _notes = [];
        private readonly List<LabPort> _ports = [];

        public List<InputError> Errors { get; } = [];

        public LabDeploymentSpec Map()
        {
            var name = deployment.Name;
            var pod = deployment.Pod;
            if (deployment.EffectiveReplicas < 1)
            {
                Error(deployment.Object.Node["spec"], $"Deployment '{name}' has 0 replicas; the lab needs at least 1.");
            }

            if (pod.Containers.Count == 0)
            {
                Error(pod.SpecNode, $"Deployment '{name}' has no containers.");
                return Empty(name);
            }

            if (pod.Containers.Count > 1)
            {
                Error(pod.Containers[1].Node, $"Deployment '{name}' has {pod.Containers.Count} containers; the lab runs one process per pod.");
            }

            if (pod.InitContainers.Count > 0)
            {
                Error(pod.InitContainers[0].Node, "Init containers are not emulated by the lab; remove them from the copy you run in the lab.");
            }

            var container = pod.Containers[0];
            var port = container.Ports.Count > 0 ? container.Ports[0].Number : (int?)null;
            _ports.AddRange(container.Ports.DistinctBy(p => p.Number).Select(p => new LabPort(p.Name, p.Number)));
            var termination = PodTermination.Of(deployment, container);
            var (recreate, surge, unavailable) = Strategy();
            if (container.Liveness is not null)
            {
                _notes.Add("The liveness probe is not run: it changes nothing in a rollout unless it fails.");
            }

            if (container.Command is not null || container.Args is not null)
            {
                _notes.Add("The container's command and args are replaced by --app.");
            }

            return new LabDeploymentSpec
            {
                Name = name,
                SourceFile = deployment.Object.File.DisplayName,
                Replicas = Math.Max(1, deployment.EffectiveReplicas),
                Recreate = recreate,
                MaxSurge = surge,
                MaxUnavailable = unavailable,
                MinReady = TimeSpan.FromSeconds(deployment.MinReadySeconds),
                GracePeriod = TimeSpan.FromSeconds(termination.GraceSeconds),
                PreStop = PreStop(termination, container, port),
                LongLivedDrain = HandoffAnnotations.Seconds(deployment, HandoffAnnotations.LongLivedDrainSeconds) is { } drain and >= 0 ? TimeSpan.FromSeconds(drain) : null,
                Readiness = Probe(container.Readiness, container, port),
                Startup = Probe(container.Startup, container, port),
                ContainerPort = port,
                Ports = _ports,
                Environment = Env(container),
                Notes = _notes,
            };
        }

        private LabDeploymentSpec Empty(string name) => new() { Name = name, SourceFile = deployment.Object.File.DisplayName };

        private (bool Recreate, int Surge, int Unavailable) Strategy()
        {
            var strategy = deployment.Strategy;
            var type = strategy?.Type ?? "RollingUpdate";
            if (string.Equals(type, "Recreate", StringComparison.Ordinal))
            {
                return (true, 0, deployment.EffectiveReplicas);
            }

            if (!string.Equals(type, "RollingUpdate", StringComparison.Ordinal))
            {
                Error(strategy?.Node ?? deployment.Object.Node, $"Deployment '{deployment.Name}' has strategy type '{type}'; the lab runs RollingUpdate and Recreate.");
                return (false, 1, 0);
            }

            // The Deployment controller's ResolveFenceposts, the one resolution explain and HO202 use too.
            var replicas = deployment.EffectiveReplicas;
            if (RollingUpdateFenceposts.Resolve(strategy?.MaxSurge, strategy?.MaxUnavailable, replicas) is { } fenceposts)
            {
                return (false, fenceposts.MaxSurge, fenceposts.MaxUnavailable);
            }

            foreach (var (value, field) in new[] { (strategy?.MaxSurge, "maxSurge"), (strategy?.MaxUnavailable, "maxUnavailable") })
            {
                if (value is not null && value.Resolve(replicas, roundUp: true) is null)
                {
                    Error(value.Node ?? deployment.Object.Node, $"'{field}' must be a whole number or a percentage; got '{value}'.");
                }
            }

            return (false, 1, 0);
        }

        private LabPreStop? PreStop(PodTermination termination, Container container, int? port)
        {
            var hook = termination.PreStop;
            if (!hook.Exists)
            {
                return null;
            }

            var handler = hook.Handler!;
            foreach (var rejection in ApiValidation.PreStop(hook, termination.GraceSeconds, Version))
            {
                Error(rejection.At, rejection.Message);
            }

            if (handler.Kind == HandlerKind.HttpGet)
            {
                if (handler.Node["httpGet"] is YMap http && (http["host"] is not null || string.Equals((http["scheme"] as YScalar)?.Value, "HTTPS", StringComparison.OrdinalIgnoreCase)))
                {
                    Error(http, "The lab runs httpGet preStop hooks over plain HTTP against the pod itself; remove 'host' and 'scheme: HTTPS'.");
                }

                var hookPort = TargetPort(handler, container, port);
                return new LabPreStop(LabPreStopKind.HttpGet, TimeSpan.Zero, handler.Path ?? "/", $"httpGet {handler.Path ?? "/"}") { Port = hookPort };
            }

            if (handler.Kind is not (HandlerKind.Sleep or HandlerKind.Exec))
            {
                Error(handler.Node, "The preStop hook must be 'sleep', 'exec' or 'httpGet' for the lab.");
                return null;
            }

            if (hook.Seconds is not { } seconds || hook.IsLowerBound)
            {
                var what = hook.Exec is { OtherCommands.Count: > 0 } exec ? $"runs '{string.Join("; ", exec.OtherCommands)}'" : "is not a plain sleep";
                Error(handler.Node, $"The preStop exec '{string.Join(' ', handler.Command)}' {what}; the lab cannot run it. Declare how long it takes with the pod annotation '{HandoffAnnotations.PreStopSeconds}'.");
                return null;
            }

            // A hook that never ends (sleep infinity) is cut at the grace period, as the kubelet cuts it.
            var duration = double.IsPositiveInfinity(seconds) ? TimeSpan.FromSeconds(termination.GraceSeconds + 1) : TimeSpan.FromSeconds(seconds);
            return new LabPreStop(LabPreStopKind.Sleep, duration, null, hook.Describe());
        }

        private LabProbe? Probe(Probe? probe, Container container, int? port)
        {
            if (probe is null)
            {
                return null;
            }

            var handler = probe.Handler;
            string? path;
            if (handler.Kind == HandlerKind.HttpGet)
            {
                if (handler.Node["httpGet"] is YMap http && string.Equals((http["scheme"] as YScalar)?.Value, "HTTPS", StringComparison.OrdinalIgnoreCase))
                {
                    Error(http, "The lab probes over plain HTTP; 'scheme: HTTPS' is not supported.");
                }

                path = handler.Path ?? "/";
            }
            else if (handler.Kind == HandlerKind.TcpSocket)
            {
                path = null;
            }
            else
            {
                Error(probe.Node, "The lab runs httpGet and tcpSocket probes; exec and grpc probes are not emulated.");
                return null;
            }

            var probePort = TargetPort(handler, container, port);
            return new LabProbe(
                path,
                TimeSpan.FromSeconds(probe.InitialDelaySeconds),
                TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds)),
                TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds)),
                Math.Max(1, probe.SuccessThreshold),
                Math.Max(1, probe.FailureThreshold))
            {
                Port = probePort,
            };
        }

        /// <summary>
        /// The container port a probe or hook targets: null for the traffic port (the first declared, or no port given),
        /// else its number, added to <see cref="_ports"/> so the pod gets a free port for it too.
        /// </summary>
        private int? TargetPort(Handler handler, Container container, int? containerPort)
        {
            if (handler.Port is not { } target)
            {
                return null;
            }

            if (target.Int is not { } number)
            {
                var named = container.Ports.FirstOrDefault(p => string.Equals(p.Name, target.String, StringComparison.Ordinal));
                if (named is null)
                {
                    var declared = container.Ports.Where(p => p.Name is not null).Select(p => $"'{p.Name}'").ToList();
                    Error(target.Node ?? handler.Node, $"The port '{target}' is not a named port of the container ({(declared.Count > 0 ? "named: " + string.Join(", ", declared) : "it names none")}); the kubelet could not resolve it either.");
                    return null;
                }

                number = named.Number;
            }

            // No declared port: the app has one, and every probe goes to it, whatever number the manifest writes.
            if (containerPort is null || number == containerPort)
            {
                return null;
            }

            if (!_ports.Any(p => p.Number == number))
            {
                _ports.Add(new LabPort(null, number));
            }

            return number;
        }

        private List<KeyValuePair<string, string>> Env(Container container)
        {
            // The model keeps literal env values; the downward API entries the lab can resolve are read where they are written.
            var result = new List<KeyValuePair<string, string>>();
            if (container.Node["env"] is not YSeq env)
            {
                return result;
            }

            foreach (var item in env.Items.OfType<YMap>())
            {
                if (item["name"] is not YScalar { IsNull: false } name)
                {
                    Error(item, "An env entry has no name.");
                    continue;
                }

                if (item["valueFrom"] is YMap valueFrom)
                {
                    if (FieldRef(valueFrom, name.Value) is { } value)
                    {
                        result.Add(new(name.Value, value));
                    }

                    continue;
                }

                result.Add(new(name.Value, (item["value"] as YScalar)?.Value ?? string.Empty));
            }

            if (container.Node["envFrom"] is not null)
            {
                _notes.Add("envFrom is not resolved by the lab.");
            }

            return result;
        }

        // The downward API fields that have a meaning on one machine; {pod} is filled in per pod.
        private string? FieldRef(YMap valueFrom, string name)
        {
            var path = ((valueFrom["fieldRef"] as YMap)?["fieldPath"] as YScalar)?.Value;
            switch (path)
            {
                case "metadata.name":
                    return "{pod}";
                case "metadata.namespace":
                    return "default";
                case "status.podIP" or "status.hostIP":
                    return "127.0.0.1";
                default:
                    Error(valueFrom, $"Env '{name}' uses a valueFrom the lab cannot resolve (it knows fieldRef metadata.name, metadata.namespace, status.podIP); give it a plain value.");
                    return null;
            }
        }

        private void Error(YNode? node, string message)
        {
            var at = deployment.Object.LocationOf(node);
            Errors.Add(new InputError(at.File, at.Line, at.Column, message));
        }
    }

    /// <summary>Formats seconds for notes.</summary>
    internal static string Seconds(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
