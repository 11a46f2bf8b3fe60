using System.Globalization;
using System.Text.RegularExpressions;
using Handoff.Analysis.Input;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Yaml;

namespace Handoff.Rollout.Lab;

/// <summary>Reads the one Deployment the lab runs from a manifest file.</summary>
/// <remarks>
/// The manifest is read by the analyzer's input layer (<see cref="ManifestSet"/>), so <c>lab</c> accepts what
/// <c>check</c> and <c>explain</c> accept (multi-document YAML, <c>kind: List</c>, <c>-</c> for stdin, the same size,
/// depth and alias limits) and reports positions the same way. This class maps the Deployment's nodes to
/// <see cref="LabDeploymentSpec"/>: anything that would change the rollout's timing and that the lab cannot emulate
/// is an error, never a silent approximation.
/// </remarks>
public static partial class LabManifestReader
{
    private const string PreStopSecondsAnnotation = "handoff.dev/prestop-seconds";

    /// <summary>Reads <paramref name="path"/> (or standard input for "-"); picks the Deployment named <paramref name="workload"/>, or the only one.</summary>
    /// <exception cref="LabManifestException">The file is unreadable, or the Deployment cannot be run by the lab.</exception>
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
        // What 'check' would refuse (unreadable, malformed, an alias bomb...) the lab refuses too, with the same words.
        if (manifests.Errors.Count > 0)
        {
            var first = manifests.Errors[0];
            throw new LabManifestException(first.File, first.Line ?? 0, first.Message, first.Column ?? 0);
        }

        var deployments = manifests.Objects
            .Where(o => string.Equals(o.Kind, "Deployment", StringComparison.Ordinal))
            .Where(o => workload is null || string.Equals(o.Name, workload, StringComparison.Ordinal))
            .ToList();
        if (deployments.Count == 0)
        {
            var what = workload is null ? "Deployment" : $"Deployment named '{workload}'";
            throw new LabManifestException(file, 1, $"The manifest has no {what}; the lab runs one Deployment.");
        }

        if (deployments.Count > 1)
        {
            var second = deployments[1].LocationOf();
            throw new LabManifestException(second.File, second.Line, $"The manifest has {deployments.Count} Deployments; choose one with --workload NAME.", second.Column);
        }

        var deployment = deployments[0];
        return new Reader(deployment.File.DisplayName).Deployment(deployment.Node);
    }

    private static YNode? Child(YMap? map, string key) => map?[key];

    private static YMap? Map(YMap? map, string key) => Child(map, key) as YMap;

    private static string? Scalar(YMap? map, string key) => Child(map, key) is YScalar { IsNull: false } scalar ? scalar.Value : null;

    [GeneratedRegex(@"^\s*(?:/bin/|/usr/bin/)?sleep\s+(?<seconds>\d+(?:\.\d+)?)\s*$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ShellSleep();

    private sealed class Reader(string file)
    {
        private readonly List<string> _notes = [];

        public LabDeploymentSpec Deployment(YMap deployment)
        {
            var metadata = Map(deployment, "metadata");
            var name = Scalar(metadata, "name") ?? throw Error(deployment, "The Deployment has no metadata.name.");
            var spec = Map(deployment, "spec") ?? throw Error(deployment, $"Deployment '{name}' has no spec.");
            var replicas = Int(spec, "replicas", 1, min: 1);
            var template = Map(spec, "template") ?? throw Error(spec, $"Deployment '{name}' has no spec.template.");
            var podSpec = Map(template, "spec") ?? throw Error(template, $"Deployment '{name}' has no spec.template.spec.");
            var annotations = Map(Map(template, "metadata"), "annotations");

            var (recreate, surge, unavailable) = Strategy(Map(spec, "strategy"), replicas, name);
            var container = Container(podSpec, name);
            var port = Port(container);

            if (Child(podSpec, "initContainers") is YSeq { Items.Count: > 0 } init)
            {
                throw Error(init, "Init containers are not emulated by the lab; remove them from the copy you run in the lab.");
            }

            if (Child(container, "livenessProbe") is not null)
            {
                _notes.Add("The liveness probe is not run: it changes nothing in a rollout unless it fails.");
            }

            if (Child(container, "command") is not null || Child(container, "args") is not null)
            {
                _notes.Add("The container's command and args are replaced by --app.");
            }

            return new LabDeploymentSpec
            {
                Name = name,
                SourceFile = file,
                Replicas = replicas,
                Recreate = recreate,
                MaxSurge = surge,
                MaxUnavailable = unavailable,
                MinReady = TimeSpan.FromSeconds(Int(spec, "minReadySeconds", 0, min: 0)),
                GracePeriod = TimeSpan.FromSeconds(Int(podSpec, "terminationGracePeriodSeconds", 30, min: 0)),
                PreStop = PreStop(Map(Map(container, "lifecycle"), "preStop"), container, port, annotations),
                Readiness = Probe(Map(container, "readinessProbe"), container, port),
                Startup = Probe(Map(container, "startupProbe"), container, port),
                ContainerPort = port,
                Environment = Env(container),
                Notes = _notes,
            };
        }

        private (bool Recreate, int Surge, int Unavailable) Strategy(YMap? strategy, int replicas, string name)
        {
            var type = Scalar(strategy, "type") ?? "RollingUpdate";
            if (string.Equals(type, "Recreate", StringComparison.Ordinal))
            {
                return (true, 0, replicas);
            }

            if (!string.Equals(type, "RollingUpdate", StringComparison.Ordinal))
            {
                throw Error(strategy!, $"Deployment '{name}' has strategy type '{type}'; the lab runs RollingUpdate and Recreate.");
            }

            var rolling = Map(strategy, "rollingUpdate");

            // Defaults and rounding as the Deployment controller resolves them (surge up, unavailable down):
            // https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-surge
            // Both values are checked first, so the resolution cannot fail.
            var fenceposts = RollingUpdateFenceposts.Resolve(IntOrPercent(rolling, "maxSurge"), IntOrPercent(rolling, "maxUnavailable"), replicas)!;
            return (false, fenceposts.MaxSurge, fenceposts.MaxUnavailable);
        }

        private YMap Container(YMap podSpec, string name)
        {
            if (Child(podSpec, "containers") is not YSeq containers || containers.Items.Count == 0)
            {
                throw Error(podSpec, $"Deployment '{name}' has no containers.");
            }

            if (containers.Items.Count > 1)
            {
                throw Error(containers.Items[1], $"Deployment '{name}' has {containers.Items.Count} containers; the lab runs one process per pod.");
            }

            return containers.Items[0] as YMap
                ?? throw Error(containers, "A container must be a mapping.");
        }

        private static int? Port(YMap container) =>
            Child(container, "ports") is YSeq { Items.Count: > 0 } ports && ports.Items[0] is YMap first
                && int.TryParse(Scalar(first, "containerPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                ? port
                : null;

        private LabPreStop? PreStop(YMap? preStop, YMap container, int? port, YMap? annotations)
        {
            if (preStop is null)
            {
                return null;
            }

            if (Map(preStop, "sleep") is { } sleep)
            {
                var seconds = Int(sleep, "seconds", -1, min: 0);
                if (seconds < 0)
                {
                    throw Error(sleep, "The preStop sleep action needs 'seconds'.");
                }

                return new LabPreStop(LabPreStopKind.Sleep, TimeSpan.FromSeconds(seconds), null, $"sleep action {seconds} s");
            }

            if (Map(preStop, "exec") is { } exec)
            {
                var command = (Child(exec, "command") as YSeq)?.Items.OfType<YScalar>().Select(n => n.Value).ToList() ?? [];
                var line = string.Join(' ', command);
                var script = command.Count == 3 && command[0] is "sh" or "/bin/sh" or "bash" or "/bin/bash" && string.Equals(command[1], "-c", StringComparison.Ordinal) ? command[2] : line;
                var match = ShellSleep().Match(script);
                if (match.Success)
                {
                    var seconds = double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);
                    return new LabPreStop(LabPreStopKind.Sleep, TimeSpan.FromSeconds(seconds), null, $"exec '{line}'");
                }

                if (Declared(annotations, PreStopSecondsAnnotation) is { } declared)
                {
                    return new LabPreStop(LabPreStopKind.Sleep, declared, null, $"exec '{line}' (declared {declared.TotalSeconds:0.#} s)");
                }

                throw Error(exec, $"The preStop exec '{line}' is not a plain sleep; the lab cannot run it. Declare how long it takes with the pod annotation '{PreStopSecondsAnnotation}'.");
            }

            if (Map(preStop, "httpGet") is { } http)
            {
                if (Scalar(http, "host") is not null || string.Equals(Scalar(http, "scheme"), "HTTPS", StringComparison.OrdinalIgnoreCase))
                {
                    throw Error(http, "The lab runs httpGet preStop hooks over plain HTTP against the pod itself; remove 'host' and 'scheme: HTTPS'.");
                }

                CheckPort(http, container, port, "preStop httpGet");
                var path = Scalar(http, "path") ?? "/";
                return new LabPreStop(LabPreStopKind.HttpGet, TimeSpan.Zero, path, $"httpGet {path}");
            }

            throw Error(preStop, "The preStop hook must be 'sleep', 'exec' or 'httpGet' for the lab.");
        }

        private LabProbe? Probe(YMap? probe, YMap container, int? port)
        {
            if (probe is null)
            {
                return null;
            }

            string? path;
            if (Map(probe, "httpGet") is { } http)
            {
                if (string.Equals(Scalar(http, "scheme"), "HTTPS", StringComparison.OrdinalIgnoreCase))
                {
                    throw Error(http, "The lab probes over plain HTTP; 'scheme: HTTPS' is not supported.");
                }

                CheckPort(http, container, port, "probe");
                path = Scalar(http, "path") ?? "/";
            }
            else if (Map(probe, "tcpSocket") is { } tcp)
            {
                CheckPort(tcp, container, port, "probe");
                path = null;
            }
            else
            {
                throw Error(probe, "The lab runs httpGet and tcpSocket probes; exec and grpc probes are not emulated.");
            }

            return new LabProbe(
                path,
                TimeSpan.FromSeconds(Int(probe, "initialDelaySeconds", 0, min: 0)),
                TimeSpan.FromSeconds(Int(probe, "periodSeconds", 10, min: 1)),
                TimeSpan.FromSeconds(Int(probe, "timeoutSeconds", 1, min: 1)),
                Int(probe, "successThreshold", 1, min: 1),
                Int(probe, "failureThreshold", 3, min: 1));
        }

        private void CheckPort(YMap handler, YMap container, int? containerPort, string what)
        {
            var value = Scalar(handler, "port");
            if (value is null)
            {
                return;
            }

            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                if (containerPort is null || number == containerPort)
                {
                    return;
                }

                throw Error(handler, $"The {what} uses port {number}, not the container port {containerPort}; the lab gives each pod one port.");
            }

            var named = (Child(container, "ports") as YSeq)?.Items.OfType<YMap>()
                .Any(p => string.Equals(Scalar(p, "name"), value, StringComparison.Ordinal) && string.Equals(Scalar(p, "containerPort"), containerPort?.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            if (named != true)
            {
                throw Error(handler, $"The {what} uses port '{value}', which is not the container's first port.");
            }
        }

        private List<KeyValuePair<string, string>> Env(YMap container)
        {
            var result = new List<KeyValuePair<string, string>>();
            if (Child(container, "env") is not YSeq env)
            {
                return result;
            }

            foreach (var item in env.Items.OfType<YMap>())
            {
                var name = Scalar(item, "name") ?? throw Error(item, "An env entry has no name.");
                if (Map(item, "valueFrom") is { } valueFrom)
                {
                    result.Add(new(name, FieldRef(valueFrom, name)));
                    continue;
                }

                result.Add(new(name, Scalar(item, "value") ?? string.Empty));
            }

            if (Child(container, "envFrom") is not null)
            {
                _notes.Add("envFrom is not resolved by the lab.");
            }

            return result;
        }

        // The downward API fields that have a meaning on one machine; {pod} is filled in per pod.
        private string FieldRef(YMap valueFrom, string name) => Scalar(Map(valueFrom, "fieldRef"), "fieldPath") switch
        {
            "metadata.name" => "{pod}",
            "metadata.namespace" => "default",
            "status.podIP" or "status.hostIP" => "127.0.0.1",
            _ => throw Error(valueFrom, $"Env '{name}' uses a valueFrom the lab cannot resolve (it knows fieldRef metadata.name, metadata.namespace, status.podIP); give it a plain value."),
        };

        private TimeSpan? Declared(YMap? annotations, string key)
        {
            var value = Scalar(annotations, key);
            if (value is null)
            {
                return null;
            }

            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw Error(Child(annotations, key)!, $"Annotation '{key}' must be a number of seconds; got '{value}'.");
        }

        private int Int(YMap? map, string key, int fallback, int min)
        {
            var node = Child(map, key);
            if (node is null)
            {
                return fallback;
            }

            if (node is YScalar { Value: var text } && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min)
            {
                return value;
            }

            throw Error(node, $"'{key}' must be a whole number of at least {min}.");
        }

        private IntOrString? IntOrPercent(YMap? map, string key)
        {
            if (Child(map, key) is not YScalar { IsNull: false } scalar)
            {
                return null;
            }

            var text = scalar.Value;
            var value = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? new IntOrString(count, null, scalar) : new IntOrString(null, text, scalar);
            if (value.Resolve(1, roundUp: false) is null)
            {
                throw Error(scalar, $"'{key}' must be a whole number or a percentage; got '{text}'.");
            }

            return value;
        }

        private LabManifestException Error(YNode node, string message) => new(file, node.Start.Line, message, node.Start.Column);
    }
}
