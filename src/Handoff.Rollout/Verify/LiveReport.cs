using System.Globalization;
using Handoff.Rollout.Attribution;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>Turns a <see cref="LiveVerifyResult"/> into the shared <see cref="RolloutReport"/> (the lab's renderers).</summary>
public static class LiveReport
{
    /// <summary>The note every live report carries: SIGTERM is inferred, not observed.</summary>
    public const string SigTermNote =
        "SIGTERM times are inferred (a cluster does not report them): deletion seen or the Killing event, plus the preStop duration from the pod spec; at once after FailedPreStopHook. Endpoint times are EndpointSlice changes (control plane); data planes follow later.";

    /// <summary>Builds the report; failures are attributed with the data-plane lag of <see cref="LiveVerifyOptions.DataPlaneLag"/>.</summary>
    public static RolloutReport Build(LiveVerifyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        var d = result.Deployment;
        var o = result.Options;
        var trigger = o.Rollout.Trigger switch
        {
            TriggerMode.Restart => $"kubectl rollout restart deployment/{d.Name}",
            TriggerMode.Command => string.Join(' ', o.Rollout.TriggerCommand),
            _ => "watch only",
        };
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("deployment", string.Create(c, $"{d.Namespace}/{d.Name}: {d.Replicas} replicas, {d.Strategy} (context {result.Context})")),
            new("termination", string.Create(c,
                $"preStop {PreStop(d.Template)}, grace period {d.Template.GraceSeconds} s")),
            new("trigger", trigger),
            new("load", string.Create(c, $"{o.RequestsPerSecond} req/s open-loop over {o.Connections} connections, GET {o.Target}")),
            new("bounds", string.Create(c, $"timeout {o.Rollout.Timeout.TotalSeconds:0} s, tail {o.Rollout.Tail.TotalSeconds:0.#} s")),
            new("started", result.StartedAt.ToString("u", c)),
        };
        var problems = new List<string>();
        if (result.Cancelled)
        {
            problems.Add("The run was cancelled before the end.");
        }
        else if (!result.Rollout.Completed)
        {
            problems.Add(result.Rollout.Problem ?? "The rollout did not finish.");
        }

        return RolloutReport.Build($"handoff verify deployment/{d.Name}", metadata, result.Load.Records, result.Events, problems, [SigTermNote, .. result.Notes],
            new AttributionOptions { DataPlaneLag = o.DataPlaneLag, DataPlaneLagSource = o.DataPlaneLagSource });
    }

    private static string PreStop(PodTemplateFacts facts) => facts switch
    {
        { PreStopSource: "none" } => "none",
        { PreStopSeconds: { } s } => string.Create(CultureInfo.InvariantCulture, $"{s:0.#} s ({facts.PreStopSource})"),
        _ => facts.PreStopSource,
    };
}
