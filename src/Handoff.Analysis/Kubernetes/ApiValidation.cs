using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Kubernetes;

/// <summary>Something the API server refuses to store, with where it is written.</summary>
/// <param name="At">The node at fault.</param>
/// <param name="Message">The API server's reason, as a sentence.</param>
public sealed record ApiRejection(YNode At, string Message);

/// <summary>The API server's validation of the fields Handoff's timing depends on (pkg/apis/core/validation).</summary>
public static class ApiValidation
{
    /// <summary>
    /// Validates a preStop hook against the grace period: the native sleep action needs Kubernetes 1.30 (beta, on by
    /// default; alpha behind a gate in 1.29), and <c>sleep.seconds</c> must be positive (0 allowed from 1.33,
    /// PodLifecycleSleepActionAllowZero) and not above terminationGracePeriodSeconds (validateSleepAction).
    /// </summary>
    public static IEnumerable<ApiRejection> PreStop(PreStopHook hook, double graceSeconds, KubernetesVersion version)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (hook.Handler is not { Kind: HandlerKind.Sleep } handler)
        {
            yield break;
        }

        var at = (YNode?)(handler.Node["sleep"] as YMap)?["seconds"] ?? handler.Node;
        if (!version.HasSleepAction)
        {
            yield return new ApiRejection(handler.Node, $"The 'sleep' preStop action is not enabled by default before Kubernetes 1.30 (target {version}); the API server rejects it.");
            yield break;
        }

        var seconds = handler.SleepSeconds ?? 0;
        var lowest = version.AllowsZeroSleep ? 0 : 1;
        if (seconds < lowest || seconds > graceSeconds)
        {
            var range = version.AllowsZeroSleep ? "must be 0 or more" : "must be greater than 0";
            yield return new ApiRejection(at, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The preStop 'sleep.seconds' is {seconds}; the API server rejects it: it {range} and not above terminationGracePeriodSeconds ({graceSeconds:0.#})."));
        }
    }
}
