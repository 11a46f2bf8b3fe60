using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Handoff.Rollout.Timeline;
using Handoff.Rollout.Verify;

namespace Handoff.Rollout.Testing;

/// <summary>Writes timeline events of an emulated rollout (the lab) as Kubernetes watch events, in the shape kubectl prints.</summary>
/// <remarks>
/// <para>Three files in <c>directory</c>, one compact JSON watch event per line, appended as events happen:
/// <c>pods.jsonl</c> (core/v1 Pod: created, Ready condition, deletionTimestamp, container exit code, deleted),
/// <c>endpointslices.jsonl</c> (one discovery.k8s.io/v1 EndpointSlice with ready/serving/terminating per pod) and
/// <c>events.jsonl</c> (core/v1 Event: Killing, FailedPreStopHook). A stand-in kubectl streams these files to
/// 'handoff verify', which then sees the lab the way it sees a cluster.</para>
/// <para>The lab has one data plane, so its EndpointRemoved (the moment HAProxy stops sending, after the
/// propagation delay) is written as the slice change: verify then sees the same endpoint times as the lab.
/// Only what a cluster shows is written: SIGTERM, SIGKILL and the preStop start/end are not (verify infers
/// them from the pod spec, which carries the preStop sleep and the grace period). RolloutFinished writes the
/// marker file <c>rollout-finished</c>, which the stand-in's 'rollout status' waits for.</para>
/// </remarks>
public sealed class WatchEventWriter
{
    /// <summary>The marker file written at RolloutFinished.</summary>
    public const string RolloutFinishedMarker = "rollout-finished";

    private readonly Lock _gate = new();
    private readonly string _directory;
    private readonly string _deployment;
    private readonly string _namespace;
    private readonly PodTemplateFacts _template;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, PodState> _pods = new(StringComparer.Ordinal);
    private long _resourceVersion = 1000;
    private int _written;

    /// <summary>Creates a writer; the directory is created when missing.</summary>
    /// <param name="directory">Where the three files go.</param>
    /// <param name="deployment">The Deployment's name (label app=NAME on every pod).</param>
    /// <param name="namespace">The namespace written into every object.</param>
    /// <param name="template">The preStop sleep and grace period written into every pod spec.</param>
    /// <param name="time">The wall clock for object timestamps.</param>
    public WatchEventWriter(string directory, string deployment, string @namespace, PodTemplateFacts template, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(time);
        Directory.CreateDirectory(directory);
        _directory = directory;
        _deployment = deployment;
        _namespace = @namespace;
        _template = template;
        _time = time;
        foreach (var file in new[] { "pods.jsonl", "endpointslices.jsonl", "events.jsonl" })
        {
            File.WriteAllText(Path.Combine(directory, file), string.Empty);
        }
    }

    /// <summary>Writes what <paramref name="timelineEvent"/> changes, if a cluster would show it.</summary>
    public void Write(TimelineEvent timelineEvent)
    {
        ArgumentNullException.ThrowIfNull(timelineEvent);
        lock (_gate)
        {
            Apply(timelineEvent);
        }
    }

    /// <summary>Polls <paramref name="source"/> and writes each new event until cancelled (for sources without a push hook).</summary>
    public async Task PumpAsync(ITimelineSource source, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var snapshot = source.Snapshot();
                for (; _written < snapshot.Count; _written++)
                {
                    Write(snapshot[_written]);
                }

                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the last events were written on the previous pass.
        }
    }

    private void Apply(TimelineEvent e)
    {
        var state = e.Pod.Length > 0 ? Pod(e.Pod) : null;
        switch (e.Kind)
        {
            case TimelineEventKind.PodCreated when state is not null:
                state.Created = Now();
                AppendPod("ADDED", state);
                break;
            case TimelineEventKind.PodReady when state is not null:
                state.Ready = true;
                AppendPod("MODIFIED", state);
                break;
            case TimelineEventKind.PodNotReady when state is not null:
                state.Ready = false;
                AppendPod("MODIFIED", state);
                break;
            case TimelineEventKind.PodTerminating when state is not null:
                state.DeletionRequested = Now();
                AppendPod("MODIFIED", state);
                AppendEvent(state, "Killing", "Normal", "Stopping container app");
                break;
            case TimelineEventKind.PreStopFailed when state is not null:
                AppendEvent(state, "FailedPreStopHook", "Warning", $"PreStopHook failed: {e.Detail}");
                break;
            case TimelineEventKind.ContainerExited when state is not null:
                state.ExitCode = e.ExitCode ?? 0;
                state.Ready = false;
                AppendPod("MODIFIED", state);
                DeleteWhenGone(state);
                break;
            case TimelineEventKind.EndpointAdded when state is not null:
                state.InSlice = true;
                state.Serving = true;
                AppendSlice();
                break;
            case TimelineEventKind.EndpointRemoved when state is not null:
                state.Serving = false;
                AppendSlice();
                DeleteWhenGone(state);
                break;
            case TimelineEventKind.RolloutFinished:
                File.WriteAllText(Path.Combine(_directory, RolloutFinishedMarker), e.At.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
                break;
            default:
                // SIGTERM, SIGKILL and preStop start/end are not visible on a cluster: verify must infer them.
                break;
        }
    }

    /// <summary>A deleted pod whose container exited leaves the slice and the API, once the data plane stopped sending to it.</summary>
    /// <remarks>Until then the lab's load balancer still sends to it (the race), so the slice keeps it as the lab's data plane does.</remarks>
    private void DeleteWhenGone(PodState pod)
    {
        if (pod.DeletionRequested is null || pod.ExitCode is null || pod.Serving || pod.Deleted)
        {
            return;
        }

        pod.Deleted = true;
        if (pod.InSlice)
        {
            pod.InSlice = false;
            AppendSlice();
        }

        AppendPod("DELETED", pod);
    }

    private void AppendPod(string type, PodState pod)
    {
        var ready = pod.Ready ? "True" : "False";
        var container = new JsonObject
        {
            ["name"] = "app",
            ["ready"] = pod.Ready,
            ["restartCount"] = 0,
            ["state"] = pod.ExitCode is { } code
                ? new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = code, ["reason"] = code == 0 ? "Completed" : "Error", ["startedAt"] = pod.Created, ["finishedAt"] = Now() } }
                : new JsonObject { ["running"] = new JsonObject { ["startedAt"] = pod.Created } },
        };
        var metadata = new JsonObject
        {
            ["name"] = pod.Name,
            ["namespace"] = _namespace,
            ["uid"] = Uid(pod.Name),
            ["resourceVersion"] = NextVersion(),
            ["creationTimestamp"] = pod.Created,
            ["labels"] = new JsonObject { ["app"] = _deployment },
        };
        if (pod.DeletionRequested is not null)
        {
            metadata["deletionTimestamp"] = Now(_template.GraceSeconds);
            metadata["deletionGracePeriodSeconds"] = _template.GraceSeconds;
        }

        var spec = new JsonObject
        {
            ["terminationGracePeriodSeconds"] = _template.GraceSeconds,
            ["containers"] = new JsonArray(Container()),
        };
        var pod1 = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["phase"] = pod.ExitCode is null ? "Running" : pod.ExitCode == 0 ? "Succeeded" : "Failed",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready, ["lastTransitionTime"] = Now() }),
                ["containerStatuses"] = new JsonArray(container),
            },
        };
        Append("pods.jsonl", type, pod1);
    }

    private JsonObject Container()
    {
        var container = new JsonObject { ["name"] = "app", ["image"] = "handoff-lab/app" };
        if (_template.PreStopSeconds is { } seconds && seconds > 0)
        {
            container["lifecycle"] = new JsonObject
            {
                ["preStop"] = new JsonObject { ["sleep"] = new JsonObject { ["seconds"] = (long)Math.Round(seconds) } },
            };
        }

        return container;
    }

    private void AppendSlice()
    {
        var endpoints = new JsonArray();
        foreach (var pod in _pods.Values.Where(p => p.InSlice).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            // The lab's Track B delay stands for the whole path, the endpoint controller included: the slice shows
            // the deletion (terminating=true, ready=false) when the lab's load balancer stops sending, not before.
            // Added as a JsonNode: the generic Add<T> would wrap it through reflection, which the native binary lacks.
            endpoints.Add((JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray("127.0.0.1"),
                ["conditions"] = new JsonObject
                {
                    ["ready"] = pod.Serving,
                    ["serving"] = pod.Serving,
                    ["terminating"] = pod.DeletionRequested is not null && !pod.Serving,
                },
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = _namespace, ["name"] = pod.Name, ["uid"] = Uid(pod.Name) },
            });
        }

        var slice = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = _deployment + "-lab",
                ["namespace"] = _namespace,
                ["resourceVersion"] = NextVersion(),
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = _deployment },
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = endpoints,
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "TCP" }),
        };
        Append("endpointslices.jsonl", "MODIFIED", slice);
    }

    private void AppendEvent(PodState pod, string reason, string type, string message)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{pod.Name}.{_resourceVersion:x}");
        var kubeEvent = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = _namespace, ["resourceVersion"] = NextVersion() },
            ["involvedObject"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = _namespace, ["name"] = pod.Name, ["uid"] = Uid(pod.Name) },
            ["reason"] = reason,
            ["message"] = message,
            ["type"] = type,
            ["count"] = 1,
            ["firstTimestamp"] = Now(),
            ["lastTimestamp"] = Now(),
            ["source"] = new JsonObject { ["component"] = "handoff-lab" },
        };
        Append("events.jsonl", "ADDED", kubeEvent);
    }

    private void Append(string file, string type, JsonObject obj)
    {
        // One write per line, so a reader tailing the file never sees half an event and a newline.
        var line = new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString() + "\n";
        using var stream = new FileStream(Path.Combine(_directory, file), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(Encoding.UTF8.GetBytes(line));
    }

    private string NextVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Now(int plusSeconds = 0) => _time.GetUtcNow().AddSeconds(plusSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Uid(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private PodState Pod(string name)
    {
        if (!_pods.TryGetValue(name, out var state))
        {
            state = new PodState(name) { Created = Now() };
            _pods[name] = state;
        }

        return state;
    }

    private sealed class PodState(string name)
    {
        public string Name { get; } = name;

        public string? Created { get; set; }

        public bool Ready { get; set; }

        public bool InSlice { get; set; }

        public bool Serving { get; set; }

        public string? DeletionRequested { get; set; }

        public int? ExitCode { get; set; }

        public bool Deleted { get; set; }
    }
}
