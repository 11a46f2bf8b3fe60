using System.CommandLine;
using Handoff.Cli.Rendering;
using System.Globalization;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Load;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Runs;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff verify' command: load and a rollout on a live cluster, every failed request explained.</summary>
/// <remarks>
/// kubectl is the transport (the user's kubeconfig, context and auth plugins), called with argument lists and never
/// through a shell. Every check runs before any request is sent; a usage or preflight error exits 2 with one line
/// per problem. Exit 0 only when no request failed and the rollout finished; 1 otherwise.
/// </remarks>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The URL to load (http:// or https://; a Service, Ingress or LB address in front of the Deployment).", Required = true };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "With an https:// URL, accept any server certificate (a self-signed test endpoint)." };
        var deployment = new Option<string>("--deployment") { Description = "The Deployment to roll.", Required = true };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Its namespace (default: the context's namespace, else 'default')." };
        var context = new Option<string?>("--context") { Description = "The kubeconfig context (default: the current context)." };
        var trigger = new Option<string?>("--trigger")
        {
            Description = "Start the rollout with this command instead of 'kubectl rollout restart' (split into arguments like a shell would, quotes honoured, no shell run).",
        };
        var watchOnly = new Option<bool>("--watch-only") { Description = "Start nothing; wait for a rollout someone else starts." };
        var rps = new Option<int>("--rps") { Description = "Open-loop request rate.", DefaultValueFactory = _ => LiveVerifyDefaults.RequestsPerSecond };
        var connections = new Option<int>("--connections") { Description = "Keep-alive connections.", DefaultValueFactory = _ => LiveVerifyDefaults.Connections };
        var report = new Option<string?>("--report") { Description = "Folder for report.html, report.json and report.txt." };
        var format = new Option<string>("--format") { Description = "Output on stdout: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var kubectl = new Option<string>("--kubectl") { Description = "The kubectl binary (a path, or a name on PATH).", DefaultValueFactory = _ => KubectlDefaults.Executable };
        var timeout = new Option<string>("--timeout") { Description = "Bound of the whole run; verify stops by itself then.", DefaultValueFactory = _ => "10m" };
        var tail = new Option<string>("--tail") { Description = "Load kept after the rollout finished and the old pods are gone.", DefaultValueFactory = _ => "5s" };
        var dataPlaneLag = new Option<string?>("--data-plane-lag")
        {
            Description = "How long after the EndpointSlice drops a pod the data planes in front of it may still send to it (kube-proxy, ingress, cloud LB), as you measured it; used to attribute failures. Default: the --profile's propagation.",
        };
        var profile = new Option<string?>("--profile")
        {
            Description = "Timing profile of the workload's data planes ('handoff profiles' lists them); its slowest plane's propagation is the data-plane lag unless --data-plane-lag is given. Default: kube-proxy-small.",
        };
        var backendHeader = new Option<string>("--backend-header")
        {
            Description = "Response header that names the pod which answered (optional; sharpens attribution).",
            DefaultValueFactory = _ => LiveVerifyDefaults.BackendHeader,
        };

        var writeConfig = WriteConfigOption.Create();

        var command = new Command("verify", "Roll a Deployment on a live cluster under load and name the cause of every failed request (kubectl is the transport).")
        {
            url, insecure, deployment, ns, context, trigger, watchOnly, rps, connections, report, format, kubectl, timeout, tail, dataPlaneLag, profile, backendHeader, writeConfig,
        };

        command.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            // One validator with 'lab' for the options both share; every problem is reported at once.
            var errors = new RunOptionsValidator();
            if (!Uri.TryCreate(r.GetValue(url), UriKind.Absolute, out var target) || !LoadOptions.IsSupportedTarget(target))
            {
                errors.Add($"--url '{r.GetValue(url)}' must be an absolute http:// or https:// URL.");
            }
            else if (r.GetValue(insecure) && target.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("--insecure applies to https:// URLs only.");
            }

            // Every problem is reported at once, so both durations are checked even when the first is bad.
            var bound = errors.Duration("--timeout", r.GetValue(timeout), "'90s' or '10m'") ?? TimeSpan.Zero;
            var tailLength = errors.Duration("--tail", r.GetValue(tail), "'90s' or '10m'") ?? TimeSpan.Zero;
            // The lag comes from the user's number, else from the profile's slowest plane (one catalogue with check).
            var catalog = Handoff.Analysis.Timing.ProfileCatalog.BuiltIn;
            var chosen = r.GetValue(profile) is { } id ? catalog.Find(id) : catalog.Default;
            if (chosen is null)
            {
                errors.Add($"--profile '{r.GetValue(profile)}' is not a profile; known: {catalog.Ids}.");
            }

            var lag = r.GetValue(dataPlaneLag) is { } given
                ? errors.Duration("--data-plane-lag", given, "'90s' or '10m'") ?? TimeSpan.Zero
                : TimeSpan.FromSeconds(chosen?.PropagationSeconds ?? 0);
            var lagSource = r.GetValue(dataPlaneLag) is { } lagText ? $"--data-plane-lag {lagText}" : $"assumed: profile {chosen?.Id}";

            var triggerLine = r.GetValue(trigger);
            IReadOnlyList<string> triggerCommand = [];
            if (triggerLine is not null && r.GetValue(watchOnly))
            {
                errors.Add("--trigger and --watch-only exclude each other.");
            }
            else if (triggerLine is not null)
            {
                triggerCommand = CommandSplitter.TrySplit(triggerLine, out var splitError) ?? [];
                if (splitError is not null)
                {
                    errors.Add($"--trigger: {splitError}");
                }
            }

            errors.RequestsPerSecond(r.GetValue(rps));
            errors.Connections(r.GetValue(connections));
            errors.ReportDirectory(r.GetValue(report));
            foreach (var error in WriteConfigOption.Problems(r.GetValue(writeConfig)))
            {
                errors.Add(error);
            }

            var rolloutOptions = new LiveRolloutOptions
            {
                Trigger = r.GetValue(watchOnly) ? TriggerMode.WatchOnly : triggerLine is not null ? TriggerMode.Command : TriggerMode.Restart,
                TriggerCommand = triggerCommand,
                Timeout = bound,
                Tail = tailLength,
            };
            if (errors.Errors.Count == 0)
            {
                foreach (var error in rolloutOptions.Validate())
                {
                    errors.Add(error);
                }
            }

            var runner = Kubectl.TryCreate(new KubectlOptions { Path = r.GetValue(kubectl)!, Context = r.GetValue(context), Namespace = r.GetValue(ns) }, out var missing);
            if (missing is not null)
            {
                errors.Add(missing);
            }

            if (errors.Errors.Count > 0)
            {
                return await FailAsync(errors.Errors);
            }

            await Console.Error.WriteLineAsync("handoff: checking kubectl, context, RBAC and the Deployment before sending any request...");
            var preflight = await LivePreflight.RunAsync(runner!, r.GetValue(deployment)!, rolloutOptions.Trigger == TriggerMode.Restart, ct);
            if (!preflight.Passed)
            {
                return await FailAsync(preflight.Errors);
            }

            var options = new LiveVerifyOptions
            {
                Target = target!,
                RequestsPerSecond = r.GetValue(rps),
                Connections = r.GetValue(connections),
                BackendHeader = r.GetValue(backendHeader)!,
                SkipCertificateCheck = r.GetValue(insecure),
                DataPlaneLag = lag,
                DataPlaneLagSource = lagSource,
                Rollout = rolloutOptions,
            };

            LiveVerifyResult result;
            try
            {
                result = await LiveVerifier.RunAsync(preflight.Cluster!, preflight, options, TimeProvider.System, new StderrProgress(), ct);
            }
            catch (Exception exception) when (exception is KubectlException or BaselineFailedException)
            {
                return await FailAsync([exception.Message]);
            }

            var rendered = LiveReport.Build(result);
            if (r.GetValue(report) is { } reportDir)
            {
                await ReportFiles.WriteAsync(rendered, reportDir);
            }

            await Console.Out.WriteAsync(string.Equals(r.GetValue(format), "json", StringComparison.Ordinal)
                ? JsonReport.Render(rendered)
                : TextReport.Render(rendered));
            if (result.Cancelled)
            {
                await Console.Error.WriteLineAsync("handoff: cancelled; the watches and the load have been stopped.");
                return 130;
            }

            var written = r.GetValue(writeConfig) is not { } configFile || await WriteConfigOption.WriteAsync(configFile, rendered.Propagation, "verify", TimeProvider.System);
            return rendered.Passed && written ? CliHost.Ok : CliHost.Findings;
        });
        return command;
    }

    private static async Task<int> FailAsync(IEnumerable<string> errors)
    {
        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync($"handoff verify: {error}");
        }

        return CliHost.UsageOrInput;
    }

    /// <summary>Progress lines on stderr.</summary>
    private sealed class StderrProgress : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"handoff: {value}"));
    }
}
