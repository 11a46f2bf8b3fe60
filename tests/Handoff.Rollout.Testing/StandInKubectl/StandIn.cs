using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Handoff.Rollout.Testing.StandInKubectl;

/// <summary>
/// A stand-in for kubectl that answers the calls 'handoff verify' makes from a scenario directory.
/// </summary>
/// <remarks>
/// <para>Environment: HANDOFF_STANDIN_SCENARIO (a directory with scenario.json, deployment.NAME.json and the
/// streams pods.jsonl, endpointslices.jsonl, events.jsonl) and HANDOFF_STANDIN_STATE (a writable directory: the
/// call log 'calls/' with one file per call, and the 'epoch' file).</para>
/// <para>A stream line is either <c>{"at": SECONDS, "event": {watch event}}</c>, printed SECONDS after the epoch
/// (lines with at &lt;= 0 are the initial listing, printed at once and skipped by --watch-only), or a bare
/// watch event, printed as soon as it is read. After the last line the stand-in keeps reading the file as it
/// grows (so the lab can write events live) until it is killed, like a real kubectl watch that never ends.
/// Events are printed as kubectl v1.32 prints them: one compact JSON object per line.</para>
/// <para>The epoch is written by 'rollout restart', or by the first call when scenario.json says
/// "epoch": "first-call".</para>
/// </remarks>
public static class StandIn
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private static readonly JsonSerializerOptions ListJson = new() { WriteIndented = true, IndentSize = 4 };

    /// <summary>Answers one kubectl call given as <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var scenarioDir = Environment.GetEnvironmentVariable("HANDOFF_STANDIN_SCENARIO");
        var stateDir = Environment.GetEnvironmentVariable("HANDOFF_STANDIN_STATE");
        if (scenarioDir is null || stateDir is null)
        {
            await Console.Error.WriteLineAsync("stand-in kubectl: set HANDOFF_STANDIN_SCENARIO and HANDOFF_STANDIN_STATE.");
            return 64;
        }

        // A safety net: the stand-in never outlives a test by much, even if nothing kills it.
        var maxSeconds = int.TryParse(Environment.GetEnvironmentVariable("HANDOFF_STANDIN_MAX_SECONDS"), CultureInfo.InvariantCulture, out var m) ? m : 300;
        using var lifetime = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds));
        var scenario = Scenario.Load(scenarioDir);
        var call = Call.Parse(args);
        Log(stateDir, args);
        if (string.Equals(scenario.Epoch, "first-call", StringComparison.Ordinal))
        {
            WriteEpochOnce(stateDir);
        }

        try
        {
            return await DispatchAsync(call, scenario, scenarioDir, stateDir, lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            return 124;
        }
    }

    private static async Task<int> DispatchAsync(Call call, Scenario scenario, string scenarioDir, string stateDir, CancellationToken token)
    {
        var words = call.Positional;
        if (words is ["config", "get-contexts", ..])
        {
            return Print(string.Join('\n', scenario.Contexts) + (scenario.Contexts.Count > 0 ? "\n" : string.Empty));
        }

        if (words is ["config", "view", ..])
        {
            return Print(scenario.ContextNamespace ?? string.Empty);
        }

        if (words is ["config", "current-context", ..])
        {
            return scenario.CurrentContext is { } current ? Print(current + "\n") : Fail("error: current-context is not set");
        }

        if (call.Flag("context") is { } context && !scenario.Contexts.Contains(context, StringComparer.Ordinal))
        {
            return Fail($"error: context \"{context}\" does not exist");
        }

        if (scenario.Unreachable)
        {
            return Fail("Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused (stand-in)");
        }

        switch (words)
        {
            case ["auth", "can-i", var verb, var resource, ..]:
                return scenario.Deny.Contains($"{verb} {resource}", StringComparer.Ordinal) ? PrintExit("no\n", 1) : Print("yes\n");
            case ["get", "deployment" or "deployments" or "deploy", var name]:
                var file = Path.Combine(scenarioDir, $"deployment.{name}.json");
                return File.Exists(file)
                    ? Print(await File.ReadAllTextAsync(file, token))
                    : Fail($"Error from server (NotFound): deployments.apps \"{name}\" not found");
            case ["rollout", "restart", var target]:
                WriteEpochOnce(stateDir);
                return Print($"{Qualified(target)} restarted\n");
            case ["rollout", "status", var target]:
                return await RolloutStatusAsync(target, scenario, stateDir, call, token);
            case ["get", var resource] when call.Has("watch") || call.Has("watch-only"):
                var stream = resource switch
                {
                    "pods" or "pod" => "pods.jsonl",
                    "endpointslices.discovery.k8s.io" or "endpointslices" => "endpointslices.jsonl",
                    "events" or "event" => "events.jsonl",
                    _ => null,
                };
                if (stream is null)
                {
                    return Fail($"stand-in kubectl: no recorded stream for '{resource}'");
                }

                await ReplayAsync(Path.Combine(scenarioDir, stream), stateDir, call.Has("watch-only"), token);
                return 0;
            case ["get", "pods" or "pod"]:
                return Print(await ListInitialAsync(Path.Combine(scenarioDir, "pods.jsonl"), token));
            default:
                return Fail($"stand-in kubectl: unsupported call: {string.Join(' ', words)}");
        }
    }

    private static async Task<int> RolloutStatusAsync(string target, Scenario scenario, string stateDir, Call call, CancellationToken token)
    {
        if (scenario.RolloutFinishedMarker is { } marker)
        {
            // Live mode: the writer of the streams (the lab) says when the rollout finished.
            var file = Path.Combine(Environment.GetEnvironmentVariable("HANDOFF_STANDIN_SCENARIO")!, marker);
            while (!File.Exists(file))
            {
                await Task.Delay(Poll, token);
            }

            return Print($"deployment \"{target.Split('/').Last()}\" successfully rolled out\n");
        }

        var epoch = await WaitForEpochAsync(stateDir, token);
        var timeout = call.Flag("timeout") is { } t && TimeSpan.TryParse("0:0:" + t.TrimEnd('s'), CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : TimeSpan.FromMinutes(10);
        var done = epoch + TimeSpan.FromSeconds(scenario.RolloutCompleteAt);
        var name = target.Split('/').Last();
        Console.Out.Write($"Waiting for deployment \"{name}\" rollout to finish: 0 of {scenario.Replicas} updated replicas are available...\n");
        await Console.Out.FlushAsync(token);
        var wait = done - Now();
        if (wait > timeout)
        {
            await Task.Delay(timeout, token);
            return Fail("error: timed out waiting for the condition");
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, token);
        }

        return Print($"deployment \"{name}\" successfully rolled out\n");
    }

    /// <summary>The initial listing (lines with at &lt;= 0, or every bare line) as 'kubectl get -o json' prints a list.</summary>
    private static async Task<string> ListInitialAsync(string file, CancellationToken token)
    {
        var items = new List<JsonElement>();
        if (File.Exists(file))
        {
            foreach (var line in await File.ReadAllLinesAsync(file, token))
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var initial = !root.TryGetProperty("at", out var at) || at.GetDouble() <= 0;
                var watchEvent = root.TryGetProperty("event", out var inner) ? inner : root;
                if (initial && watchEvent.GetProperty("type").GetString() is "ADDED")
                {
                    items.Add(watchEvent.GetProperty("object").Clone());
                }
            }
        }

        var list = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["apiVersion"] = "v1",
            ["items"] = items,
            ["kind"] = "List",
            ["metadata"] = new Dictionary<string, string>(StringComparer.Ordinal) { ["resourceVersion"] = string.Empty },
        };
        return JsonSerializer.Serialize(list, ListJson) + "\n";
    }

    private static async Task ReplayAsync(string file, string stateDir, bool watchOnly, CancellationToken token)
    {
        using var output = Console.OpenStandardOutput();
        while (!File.Exists(file))
        {
            await Task.Delay(Poll, token);
        }

        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var pending = new StringBuilder();
        var buffer = new byte[8192];
        DateTimeOffset? epoch = null;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, token);
            if (read == 0)
            {
                await Task.Delay(Poll, token);
                continue;
            }

            pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var text = pending.ToString();
            var lastNewline = text.LastIndexOf('\n');
            if (lastNewline < 0)
            {
                continue;
            }

            pending.Clear().Append(text[(lastNewline + 1)..]);
            foreach (var line in text[..lastNewline].Split('\n'))
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var watchEvent = root;
                if (root.TryGetProperty("at", out var at) && root.TryGetProperty("event", out var inner))
                {
                    watchEvent = inner;
                    var seconds = at.GetDouble();
                    if (seconds <= 0 && watchOnly)
                    {
                        continue;
                    }

                    if (seconds > 0)
                    {
                        epoch ??= await WaitForEpochAsync(stateDir, token);
                        var wait = epoch.Value + TimeSpan.FromSeconds(seconds) - Now();
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, token);
                        }
                    }
                }

                await WriteIndentedAsync(output, watchEvent, token);
            }
        }
    }

    private static async Task WriteIndentedAsync(Stream output, JsonElement element, CancellationToken token)
    {
        // kubectl v1.32 prints each watch event as one compact JSON object per line (checked against a stand-in API
        // server, see tests/fixtures/verify/README.md); HANDOFF_STANDIN_INDENT=1 prints indented objects instead,
        // as a kubectl that pretty-prints would, so the reader is tested on multi-line objects too.
        var indented = string.Equals(Environment.GetEnvironmentVariable("HANDOFF_STANDIN_INDENT"), "1", StringComparison.Ordinal);
        using var memory = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(memory, new JsonWriterOptions { Indented = indented, IndentSize = 4 }))
        {
            element.WriteTo(writer);
        }

        memory.WriteByte((byte)'\n');
        await output.WriteAsync(memory.ToArray(), token);
        await output.FlushAsync(token);
    }

    private static async Task<DateTimeOffset> WaitForEpochAsync(string stateDir, CancellationToken token)
    {
        var file = Path.Combine(stateDir, "epoch");
        while (true)
        {
            if (File.Exists(file) && long.TryParse(await File.ReadAllTextAsync(file, token), CultureInfo.InvariantCulture, out var ms))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }

            await Task.Delay(Poll, token);
        }
    }

    private static void WriteEpochOnce(string stateDir)
    {
        var file = Path.Combine(stateDir, "epoch");
        if (File.Exists(file))
        {
            return;
        }

        var temp = Path.Combine(stateDir, $"epoch.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, Now().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        try
        {
            File.Move(temp, file, overwrite: false);
        }
        catch (IOException)
        {
            // Another call wrote it first; that one counts.
            File.Delete(temp);
        }
    }

    private static void Log(string stateDir, string[] args)
    {
        // One file per call: calls run in parallel, and appends from many processes to one file can interleave.
        var calls = Path.Combine(stateDir, "calls");
        Directory.CreateDirectory(calls);
        var name = string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetTimestamp():D20}-{Environment.ProcessId}.json");
        File.WriteAllText(Path.Combine(calls, name), JsonSerializer.Serialize(args));
    }

    private static DateTimeOffset Now() => TimeProvider.System.GetUtcNow();

    private static string Qualified(string target)
        => target.StartsWith("deployment/", StringComparison.Ordinal) ? "deployment.apps/" + target["deployment/".Length..] : target;

    private static int Print(string text)
    {
        Console.Out.Write(text);
        Console.Out.Flush();
        return 0;
    }

    private static int PrintExit(string text, int code)
    {
        Console.Out.Write(text);
        Console.Out.Flush();
        return code;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
