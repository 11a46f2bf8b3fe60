using System.Text;
using System.Text.Json;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Rollout.Verify;

/// <summary>What a pod spec says about Track A: the preStop duration and the grace period G.</summary>
/// <param name="GraceSeconds">terminationGracePeriodSeconds (30 when unset, the API default).</param>
/// <param name="PreStopSeconds">How long the preStop of the traffic container runs before SIGTERM; 0 without one; null when unknown.</param>
/// <param name="PreStopSource">How <paramref name="PreStopSeconds"/> was found ("sleep action", "exec sleep", an annotation), or "none".</param>
public sealed record PodTemplateFacts(int GraceSeconds, double? PreStopSeconds, string PreStopSource)
{
    /// <summary>The API's default terminationGracePeriodSeconds.</summary>
    public const int DefaultGraceSeconds = PodTemplate.DefaultGracePeriodSeconds;

    /// <summary>The pod-template annotation a user adds when a preStop is not a plain sleep.</summary>
    public const string PreStopAnnotation = HandoffAnnotations.PreStopSeconds;

    /// <summary>The pod-template annotation for an in-app shutdown delay (the app keeps serving that long after SIGTERM).</summary>
    public const string ShutdownDelayAnnotation = HandoffAnnotations.ShutdownDelaySeconds;

    /// <summary>How long the app keeps serving after SIGTERM (declared in-app delay); 0 when none.</summary>
    public double InAppDelaySeconds { get; init; }

    /// <summary>
    /// Reads the facts from a pod or a pod template (an object with "metadata" and "spec") as <c>kubectl -o json</c>
    /// prints it: the JSON goes through the analyzer's input layer and model (JSON is YAML), and the timing comes from
    /// the one Kubernetes model (<see cref="PodTermination"/>), so verify reads a pod exactly as check reads a manifest.
    /// </summary>
    public static PodTemplateFacts Read(JsonElement podOrTemplate)
    {
        var model = ClusterModel.Build(ManifestSet.FromText(AsPod(podOrTemplate), "pod.json"));
        if (model.Workloads.Count == 0)
        {
            return new PodTemplateFacts(DefaultGraceSeconds, 0, "none");
        }

        return From(PodTermination.Of(model.Workloads[0]));
    }

    /// <summary>The facts of a termination schedule.</summary>
    public static PodTemplateFacts From(PodTermination termination)
    {
        ArgumentNullException.ThrowIfNull(termination);
        var hook = termination.PreStop;
        var source = hook.Source switch
        {
            Analysis.Timing.PreStopSource.None => "none",
            Analysis.Timing.PreStopSource.SleepAction => "sleep action",
            Analysis.Timing.PreStopSource.ExecSleep when hook.IsLowerBound => "exec (duration unknown)",
            Analysis.Timing.PreStopSource.ExecSleep when hook.Seconds == 0 => "exec (returns at once)",
            Analysis.Timing.PreStopSource.ExecSleep => "exec sleep",
            Analysis.Timing.PreStopSource.Declared => $"annotation {PreStopAnnotation}",
            _ => hook.Handler?.Kind switch
            {
                HandlerKind.Exec => "exec (duration unknown)",
                HandlerKind.HttpGet => "httpGet (duration unknown)",
                _ => "unknown handler",
            },
        };
        // A sleep followed by real work is only a lower bound: verify does not place SIGTERM on a guess.
        return new PodTemplateFacts((int)termination.GraceSeconds, hook.IsLowerBound ? null : hook.Seconds, source) { InAppDelaySeconds = termination.InAppDelaySeconds };
    }

    // A pod template has no kind and maybe no name: give it both so the model types it as a Pod.
    private static string AsPod(JsonElement podOrTemplate)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", "v1");
            writer.WriteString("kind", "Pod");
            writer.WritePropertyName("metadata");
            writer.WriteStartObject();
            var named = false;
            if (podOrTemplate.ValueKind == JsonValueKind.Object && podOrTemplate.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in metadata.EnumerateObject())
                {
                    named |= property.NameEquals("name");
                    property.WriteTo(writer);
                }
            }

            if (!named)
            {
                writer.WriteString("name", "pod");
            }

            writer.WriteEndObject();
            if (podOrTemplate.ValueKind == JsonValueKind.Object && podOrTemplate.TryGetProperty("spec", out var spec))
            {
                writer.WritePropertyName("spec");
                spec.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
