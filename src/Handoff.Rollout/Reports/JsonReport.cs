using System.Text;
using System.Text.Json;
using Handoff.Rollout.Attribution;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Reports;

/// <summary>Renders a <see cref="RolloutReport"/> as JSON (times in seconds from the start of the run).</summary>
/// <remarks>
/// Shape: { title, passed, metadata{}, summary{sent, ok, failed, outcomes{}, causes{}, observedPropagationSeconds{max,
/// median, lowerBound, pods}, configuredPropagationSeconds, configuredPropagationSource}, problems[], notes[],
/// pods[{..., observedPropagationSeconds}], events[], failures[], rate[] }, plus longLived{connections, abnormalCloses,
/// messagesLost, peakReconnectsPerSecond, ...} and each failure's unit and ending for WebSocket, SSE and gRPC traffic. Successful requests are summarised, not listed.
/// </remarks>
public static class JsonReport
{
    /// <summary>The report as indented JSON.</summary>
    public static string Render(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("title", report.Title);
            json.WriteBoolean("passed", report.Passed);
            json.WriteStartObject("metadata");
            foreach (var (key, value) in report.Metadata)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteStartObject("summary");
            json.WriteNumber("sent", report.Records.Count);
            json.WriteNumber("ok", report.Records.Count - report.Failed);
            json.WriteNumber("failed", report.Failed);
            json.WriteStartObject("outcomes");
            foreach (var (outcome, count) in report.Outcomes)
            {
                json.WriteNumber(Camel(outcome.ToString()), count);
            }

            json.WriteEndObject();
            json.WriteStartObject("causes");
            foreach (var (cause, count) in report.Attribution.ByCause)
            {
                json.WriteNumber(Camel(cause.ToString()), count);
            }

            json.WriteEndObject();
            if (report.Attribution.MainCause is { } main)
            {
                json.WriteString("mainCause", Camel(main.ToString()));
            }

            WritePropagationSummary(json, report.Propagation);
            json.WriteEndObject();
            if (report.LongLived is { } longLived)
            {
                WriteLongLived(json, longLived);
            }

            Strings(json, "problems", report.Problems);
            Strings(json, "notes", report.Notes);

            json.WriteStartArray("pods");
            var failedByPod = report.Attribution.ByPod;
            foreach (var pod in report.Pods)
            {
                json.WriteStartObject();
                json.WriteString("name", pod.Name);
                Time(json, "created", pod.Created);
                Time(json, "ready", pod.Ready);
                Time(json, "terminating", pod.Terminating);
                Time(json, "preStopStarted", pod.PreStopStarted);
                Time(json, "preStopEnded", pod.PreStopEnded);
                Time(json, "sigTerm", pod.SigTerm);
                Time(json, "sigKill", pod.SigKill);
                Time(json, "exited", pod.Exited);
                if (pod.ExitCode is { } code)
                {
                    json.WriteNumber("exitCode", code);
                }

                json.WriteStartArray("endpoint");
                foreach (var (from, to) in pod.Endpoint)
                {
                    json.WriteStartObject();
                    Time(json, "from", from);
                    Time(json, "to", to);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteNumber("failed", failedByPod.TryGetValue(pod.Name, out var n) ? n : 0);
                WritePodPropagation(json, report.Propagation.Pods.FirstOrDefault(p => string.Equals(p.Pod, pod.Name, StringComparison.Ordinal)));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("events");
            foreach (var e in report.Events)
            {
                WriteEvent(json, e);
            }

            json.WriteEndArray();
            json.WriteStartArray("failures");
            foreach (var f in report.Attribution.Failures)
            {
                json.WriteStartObject();
                Time(json, "start", f.Request.Start);
                Time(json, "end", f.Request.End);
                json.WriteString("outcome", Camel(f.Request.Outcome.ToString()));
                if (f.Request.Status is { } status)
                {
                    json.WriteNumber("status", status);
                }

                json.WriteString("backend", f.Request.Backend);
                if (f.Request.Session is { } session)
                {
                    json.WriteString("unit", Camel(f.Request.Unit.ToString()));
                    json.WriteString("ending", session.Ending);
                    if (session.Http2Frames is { } frames)
                    {
                        json.WriteString("http2Frames", frames);
                    }
                }

                json.WriteString("cause", Camel(f.Cause.ToString()));
                json.WriteString("pod", f.Pod);
                json.WriteString("explanation", f.Explanation);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("rate");
            foreach (var bin in report.Rate)
            {
                json.WriteStartObject();
                Time(json, "start", bin.Start);
                json.WriteNumber("sent", bin.Sent);
                json.WriteNumber("failed", bin.Failed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    // summary.observedPropagationSeconds: { max, median, lowerBound, pods }, beside the configured or assumed value.
    private static void WritePropagationSummary(Utf8JsonWriter json, PropagationMeasurement propagation)
    {
        json.WriteStartObject("observedPropagationSeconds");
        Time(json, "max", propagation.Max);
        Time(json, "median", propagation.Median);
        json.WriteBoolean("lowerBound", propagation.IsLowerBound);
        json.WriteNumber("pods", propagation.Pods.Count);
        json.WriteEndObject();
        Time(json, "configuredPropagationSeconds", propagation.Configured);
        json.WriteString("configuredPropagationSource", propagation.ConfiguredSource);
    }

    private static void WritePodPropagation(Utf8JsonWriter json, PodPropagation? propagation)
    {
        Time(json, "observedPropagationSeconds", propagation?.Observed);
        if (propagation is null)
        {
            return;
        }

        json.WriteBoolean("observedPropagationLowerBound", propagation.IsLowerBound);
        json.WriteString("observedPropagationEvidence", Camel(propagation.Evidence.ToString()));
        Time(json, "configuredPropagationSeconds", propagation.Configured);
        json.WriteNumber("requestsAfterDeletion", propagation.RequestsAfterDeletion);
        json.WriteString("observedPropagationExplanation", propagation.Explanation);
    }

    private static void WriteEvent(Utf8JsonWriter json, TimelineEvent e)
    {
        json.WriteStartObject();
        Time(json, "at", e.At);
        json.WriteString("kind", Camel(e.Kind.ToString()));
        json.WriteString("pod", e.Pod);
        if (e.DataPlane is not null)
        {
            json.WriteString("dataPlane", e.DataPlane);
        }

        if (e.ExitCode is { } code)
        {
            json.WriteNumber("exitCode", code);
        }

        if (e.Detail is not null)
        {
            json.WriteString("detail", e.Detail);
        }

        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }

    private static void Time(Utf8JsonWriter json, string name, TimeSpan? at)
    {
        if (at is { } t)
        {
            json.WriteNumber(name, Math.Round(t.TotalSeconds, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>The JSON name of a cause (as in 'causes' and 'failures[].cause').</summary>
    public static string Name(FailureCause cause) => Camel(cause.ToString());

    // "longLived": present only for WebSocket, SSE and gRPC traffic, so HTTP reports keep their shape.
    private static void WriteLongLived(Utf8JsonWriter json, LongLivedSummary l)
    {
        json.WriteStartObject("longLived");
        json.WriteString("traffic", Load.TrafficKinds.Name(l.Traffic));
        json.WriteNumber("connections", l.Connections);
        json.WriteNumber("reconnects", l.Reconnects);
        json.WriteNumber("failedConnects", l.FailedConnects);
        json.WriteNumber("cleanCloses", l.CleanCloses);
        json.WriteNumber("abnormalCloses", l.AbnormalCloses);
        json.WriteStartObject("endings");
        foreach (var (ending, count) in l.Endings)
        {
            json.WriteNumber(ending, count);
        }

        json.WriteEndObject();
        json.WriteNumber("messagesSent", l.MessagesSent);
        json.WriteNumber("messagesReceived", l.MessagesReceived);
        json.WriteNumber("messagesResent", l.MessagesResent);
        json.WriteNumber("messagesLost", l.MessagesLost);
        json.WriteNumber("peakReconnectsPerSecond", l.PeakReconnectsPerSecond);
        Time(json, "peakReconnectsAt", l.PeakReconnectsAt);
        Time(json, "medianReconnectSeconds", l.MedianReconnectDelay);
        Time(json, "maxReconnectSeconds", l.MaxReconnectDelay);
        json.WriteStartObject("http2Frames");
        foreach (var (frame, count) in l.Http2Frames)
        {
            json.WriteNumber(frame, count);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
