using System.Text.Json;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Explain;

/// <summary>Writes timelines as JSON: {"workloads":[{name, preStopSeconds, gracePeriodSeconds, sigtermAtSeconds, sigkillAtSeconds, propagationSeconds, exposureSeconds, ...}]}.</summary>
public static class TimelineJson
{
    /// <summary>Writes <paramref name="timelines"/> to <paramref name="stream"/>.</summary>
    public static void Write(IReadOnlyList<WorkloadTimeline> timelines, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("workloads");
        foreach (var t in timelines)
        {
            w.WriteStartObject();
            w.WriteString("kind", t.Kind);
            w.WriteString("namespace", t.Namespace);
            w.WriteString("name", t.Name);
            w.WriteString("file", t.File);
            if (t.Container is null)
            {
                w.WriteNull("container");
            }
            else
            {
                w.WriteString("container", t.Container);
            }

            w.WriteString("profile", t.Profile);
            w.WriteNumber("preStopSeconds", t.PreStopSeconds);
            w.WriteString("preStopSource", t.PreStopSource.ToString());
            w.WriteNumber("inAppDelaySeconds", t.InAppDelaySeconds);
            w.WriteNumber("gracePeriodSeconds", t.GracePeriodSeconds);
            w.WriteNumber("sigtermAtSeconds", t.SigtermAtSeconds);
            w.WriteNumber("stopListeningSeconds", t.StopListeningSeconds);
            w.WriteNumber("drainSeconds", t.DrainSeconds);
            if (t.LongLivedDrainSeconds is { } longLived)
            {
                w.WriteStartObject("longLived");
                w.WriteString("protocols", t.LongLivedProtocols);
                w.WriteNumber("drainSeconds", longLived);
                w.WriteNumber("endsAtSeconds", t.LongLivedEndsAtSeconds!.Value);
                w.WriteNumber("cutAtSigkillSeconds", t.LongLivedCutSeconds);
                w.WriteEndObject();
            }

            w.WriteNumber("exitAtSeconds", t.ExitAtSeconds);
            w.WriteNumber("sigkillAtSeconds", t.SigkillAtSeconds);
            w.WriteNumber("propagationSeconds", t.PropagationSeconds);
            w.WriteStartArray("planes");
            foreach (var plane in t.Planes)
            {
                w.WriteStartObject();
                w.WriteString("name", plane.Name);
                w.WriteString("kind", ProfileCatalogReader.KindName(plane.Kind));
                w.WriteNumber("minSeconds", plane.MinSeconds);
                w.WriteNumber("propagationSeconds", plane.PropagationSeconds);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            // An unreadable preStop leaves the exposure unknown: null, not a number computed as if the hook took 0 s.
            if (t.ExposureKnown)
            {
                w.WriteNumber("exposureSeconds", t.ExposureSeconds);
            }
            else
            {
                w.WriteNull("exposureSeconds");
            }

            w.WriteNumber("requestsPerSecond", t.RequestsPerSecond);
            if (t.ExposureKnown)
            {
                w.WriteNumber("expectedFailedRequests", Math.Round(t.ExpectedFailedRequests, 2));
            }
            else
            {
                w.WriteNull("expectedFailedRequests");
            }
            if (t.Rollout is { } r && t.RolloutCost is { } cost && t.RolloutCostIfWaiting is { } waiting)
            {
                w.WriteStartObject("rollout");
                w.WriteNumber("replicas", r.Replicas);
                w.WriteNumber("maxSurge", r.MaxSurge);
                w.WriteNumber("maxUnavailable", r.MaxUnavailable);
                w.WriteNumber("minReadySeconds", r.MinReadySeconds);
                w.WriteNumber("podStartSeconds", r.PodStartSeconds);
                w.WriteBoolean("recreate", r.Recreate);
                WriteCost(w, "terminationStarted", cost);
                WriteCost(w, "terminationComplete", waiting);
                w.WriteNumber("sequentialPreStopSeconds", t.SequentialPreStopSeconds);
                if (t.Loss is { } loss)
                {
                    WriteLoss(w, loss);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLoss(Utf8JsonWriter w, RolloutLoss loss)
    {
        w.WriteStartObject("loss");
        w.WriteNumber("serviceRequestsPerSecond", loss.ServiceRequestsPerSecond);
        w.WriteNumber("propagationSeconds", Math.Round(loss.PropagationSeconds, 3));
        w.WriteNumber("expectedFailedRequests", Math.Round(loss.ExpectedFailedRequests, 1));
        w.WriteNumber("noEndpointSeconds", Math.Round(loss.NoEndpointSeconds, 3));
        w.WriteNumber("noEndpointRequests", Math.Round(loss.NoEndpointRequests, 1));
        w.WriteStartArray("pods");
        foreach (var pod in loss.Pods)
        {
            w.WriteStartObject();
            w.WriteString("pod", pod.Pod);
            w.WriteNumber("deletedAtSeconds", Math.Round(pod.DeletedAtSeconds, 3));
            w.WriteNumber("endpointsSharing", Math.Round(pod.EndpointsSharing, 2));
            w.WriteNumber("refusedRequests", Math.Round(pod.RefusedRequests, 1));
            w.WriteNumber("cutRequests", Math.Round(pod.CutRequests, 1));
            w.WriteNumber("expectedFailedRequests", Math.Round(pod.ExpectedFailedRequests, 1));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCost(Utf8JsonWriter w, string name, RolloutCost cost)
    {
        w.WriteStartObject(name);
        w.WriteNumber("completeSeconds", Math.Round(cost.CompleteSeconds, 2));
        w.WriteNumber("oldPodsGoneSeconds", Math.Round(cost.OldPodsGoneSeconds, 2));
        w.WriteNumber("peakPods", cost.PeakPods);
        w.WriteNumber("peakTerminating", cost.PeakTerminating);
        w.WriteNumber("peakExtraPods", cost.PeakExtraPods);
        w.WriteEndObject();
    }
}
