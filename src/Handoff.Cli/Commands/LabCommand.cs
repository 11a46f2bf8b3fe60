using System.CommandLine;
using Handoff.Cli.Rendering;
using System.Globalization;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Load;
using Handoff.Rollout.Runs;
using Handoff.Rollout.Reports;

namespace Handoff.Cli.Commands;

/// <summary>The 'handoff lab' command: a real rolling update on this machine, behind a real HAProxy, under load.</summary>
internal static class LabCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "The manifest with the Deployment to roll (the same file 'check' reads), or '-' for standard input." };
        var app = new Option<string?>("--app")
        {
            Description = "Command that runs one pod, no shell; placeholders {port} (traffic port), {port:NAME} (another container port, e.g. a management port the probes use) and {pod}; env HANDOFF_POD_NAME, PORT, ASPNETCORE_URLS and HANDOFF_PORT_NAME are set. Default: the sample API of samples/ (built).",
        };
        var propagation = new Option<string>("--propagation")
        {
            Description = "Delay before the load balancer stops sending to a terminating pod: fixed ('2s') or a range drawn per pod ('1s..4s').",
            DefaultValueFactory = _ => "2s",
        };
        var rps = new Option<int>("--rps") { Description = "Open-loop request rate.", DefaultValueFactory = _ => 1000 };
        var duration = new Option<string?>("--duration") { Description = "How long load runs; the rollout must finish inside it. Default: what the rollout needs (explain's simulation of this manifest) + warm-up + tail." };
        var lb = new Option<string>("--lb")
        {
            Description = "Load balancer: 'haproxy' (HTTP mode: balances each request, like a cloud HTTP load balancer or an ingress) or 'haproxy-tcp' (TCP mode: balances each connection once, like kube-proxy or a network load balancer; the pods' GOAWAY reaches the clients).",
            DefaultValueFactory = _ => "haproxy",
        };
        var report = new Option<string?>("--report") { Description = "Folder for report.html, report.json, report.txt and the processes' logs." };
        var format = new Option<string>("--format") { Description = "Output on stdout: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        lb.AcceptOnlyFromAmong([.. LoadBalancerModes.Names]);
        var workload = new Option<string?>("--workload") { Description = "The Deployment to roll when the manifest has several." };
        var connections = new Option<int>("--connections") { Description = "Keep-alive connections from the load generator (long-lived traffic: connections kept open, default 24).", DefaultValueFactory = _ => 64 };
        var closedLoop = new Option<bool>("--closed-loop") { Description = "Send the next request when one finishes, instead of at --rps." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the per-pod propagation draws (reproducible ranges)." };
        var path = new Option<string>("--path") { Description = "Request path (long-lived traffic: the sample's /ws, /events or gRPC Echo method unless given).", DefaultValueFactory = _ => "/" };
        var traffic = new Option<string>("--traffic")
        {
            Description = "What the load is: http requests, or long-lived websocket, sse or grpc (h2c) connections that send sequenced messages, expect each echoed and reconnect when closed.",
            DefaultValueFactory = _ => "http",
        };
        traffic.AcceptOnlyFromAmong([.. TrafficKinds.Names]);
        var messageInterval = new Option<string>("--message-interval")
        {
            Description = "Long-lived traffic: time between two sequenced messages on one connection (grpc-ticks: between two server messages).",
            DefaultValueFactory = _ => "100ms",
        };
        var writeConfig = WriteConfigOption.Create();

        var command = new Command("lab", "Roll a Deployment on this machine: real HAProxy, real app processes, emulated kubelet and endpoint propagation; names the cause of every failed request.")
        {
            manifest, app, propagation, rps, duration, lb, report, format, workload, connections, closedLoop, seed, path, traffic, messageInterval, writeConfig,
        };

        command.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            // Every input problem is reported at once (one line each), then the command stops before starting anything.
            var errors = new RunOptionsValidator();
            if (!PropagationDelay.TryParse(r.GetValue(propagation), out var delay))
            {
                errors.Add($"--propagation '{r.GetValue(propagation)}' is not a duration like '2s' or a range like '1s..4s'.");
            }

            var kind = TrafficKinds.Parse(r.GetValue(traffic)) ?? TrafficKind.Http;
            var interval = errors.Duration("--message-interval", r.GetValue(messageInterval)!, "'100ms'");
            var length = r.GetValue(duration) is { } given ? errors.Duration("--duration", given, "'30s'") : null;
            LabDeploymentSpec? spec = null;
            AppCommand? appCommand = null;
            try
            {
                spec = LabManifestReader.Read(r.GetValue(manifest)!, r.GetValue(workload));
            }
            catch (LabManifestException ex)
            {
                errors.Add(ex.ToString());
            }
            catch (LabException ex)
            {
                errors.Add(ex.Message);
            }

            try
            {
                appCommand = r.GetValue(app) is { } template
                    ? AppCommand.Parse(template)
                    : AppCommand.SampleApi(Directory.GetCurrentDirectory(), kind.IsGrpc()) ?? AppCommand.SampleApi(AppContext.BaseDirectory, kind.IsGrpc())
                      ?? throw new LabException("The sample API is not built; run 'dotnet build samples/Handoff.Sample.Api -c Release' or pass --app.");
            }
            catch (LabException ex)
            {
                errors.Add(ex.Message);
            }

            // Without --duration the load lasts what this manifest's rollout needs.
            var sized = r.GetValue(duration) is null && spec is not null ? LabRunLength.For(spec, (delay ?? LabDefaults.Propagation).Max, kind.IsLongLived()) : ((TimeSpan Duration, string Reason)?)null;
            var reportDir = r.GetValue(report);
            var options = new LabOptions
            {
                App = appCommand ?? AppCommand.Parse("true"),
                Propagation = delay ?? new PropagationDelay(TimeSpan.Zero, TimeSpan.Zero),
                RequestsPerSecond = r.GetValue(rps),
                Duration = length ?? sized?.Duration ?? LabDefaults.Duration,
                DurationSource = length is not null ? $"--duration {r.GetValue(duration)}" : sized?.Reason,
                // Long-lived traffic keeps fewer connections unless --connections says how many.
                Connections = kind.IsLongLived() && r.GetResult(connections) is null or { Implicit: true } ? Rollout.Load.LongLived.LongLivedDefaults.Connections : r.GetValue(connections),
                Traffic = kind,
                LoadBalancer = LoadBalancerModes.Parse(r.GetValue(lb)) ?? LoadBalancerMode.Http,
                MessageInterval = interval ?? Rollout.Load.LongLived.LongLivedDefaults.MessageInterval,
                ClosedLoop = r.GetValue(closedLoop),
                Seed = r.GetValue(seed),
                Path = r.GetValue(path)!,
                KeepFilesIn = reportDir,
            };
            foreach (var error in options.Validate())
            {
                errors.Add(error);
            }

            foreach (var error in spec is not null && appCommand is not null ? appCommand.Problems(spec, kind.IsGrpc()) : [])
            {
                errors.Add(error);
            }

            if (r.GetValue(writeConfig) is not null && kind != TrafficKind.Http)
            {
                errors.Add("--write-config needs --traffic http: long-lived connections stay on their pod after its endpoint is removed, so they do not show the propagation.");
            }
            else if (r.GetValue(writeConfig) is not null && options.LoadBalancer == LoadBalancerMode.Tcp)
            {
                errors.Add("--write-config needs --lb haproxy: behind a TCP load balancer keep-alive connections stay on their pod after its endpoint is removed, so they do not show the propagation.");
            }

            foreach (var error in WriteConfigOption.Problems(r.GetValue(writeConfig)))
            {
                errors.Add(error);
            }

            if (errors.Errors.Count > 0 || spec is null)
            {
                return Fail(errors.Errors);
            }

            LabResult result;
            try
            {
                result = await new LabRunner(TimeProvider.System).RunAsync(spec, options, new LabProgressPrinter(), ct);
            }
            catch (LabException ex)
            {
                return Fail([ex.Message]);
            }

            await Console.Error.WriteLineAsync();
            var rendered = LabReport.Build(result);
            if (reportDir is not null)
            {
                await ReportFiles.WriteAsync(rendered, reportDir);
            }

            var output = string.Equals(r.GetValue(format), "json", StringComparison.Ordinal) ? JsonReport.Render(rendered) : TextReport.Render(rendered);
            await Console.Out.WriteAsync(output);
            if (result.Cancelled)
            {
                await Console.Error.WriteLineAsync("handoff: cancelled; every process the lab started has been ended.");
                return 130;
            }

            var written = r.GetValue(writeConfig) is not { } configFile || await WriteConfigOption.WriteAsync(configFile, rendered.Propagation, "lab", TimeProvider.System);
            return rendered.Passed && written ? CliHost.Ok : CliHost.Findings;
        });
        return command;
    }

    private static int Fail(IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Console.Error.WriteLine($"handoff: {message}");
        }

        return CliHost.UsageOrInput;
    }

    /// <summary>Progress on stderr: one rewritten line on a terminal, a line every 5 s otherwise.</summary>
    private sealed class LabProgressPrinter : IProgress<LabProgress>
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;

        public void Report(LabProgress value)
        {
            var seconds = (int)value.Elapsed.TotalSeconds;
            if (!_terminal && seconds % 5 != 0 && !string.Equals(value.Phase, "stopping", StringComparison.Ordinal))
            {
                return;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"t={seconds,3}s  sent {value.Sent,7}  failed {value.Failed,6}  pods ready {value.ReadyPods}  terminating {value.TerminatingPods}  endpoints {value.Endpoints}  {value.Phase}");
            Console.Error.Write(_terminal ? "\r" + line.PadRight(100) : line + Environment.NewLine);
        }
    }
}
