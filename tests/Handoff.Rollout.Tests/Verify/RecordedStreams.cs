using System.Text.Json;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>Reads the recorded (hand-written) kubectl watch streams of a fixture scenario with their times.</summary>
internal static class RecordedStreams
{
    /// <summary>Every event of the scenario's three streams, merged in time order; <c>at</c> is seconds after the restart.</summary>
    public static IReadOnlyList<(double At, WatchEvent Event)> Load(string scenario)
    {
        var directory = Path.Combine(StandInKubectl.FixturesDirectory, "verify", scenario);
        return new[] { "pods.jsonl", "endpointslices.jsonl", "events.jsonl" }
            .SelectMany(file => File.ReadAllLines(Path.Combine(directory, file)))
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var inner = root.GetProperty("event");
                return (root.GetProperty("at").GetDouble(),
                    new WatchEvent(inner.GetProperty("type").GetString()!, inner.GetProperty("object").Clone()));
            })
            .OrderBy(pair => pair.Item1)
            .ToList();
    }

    /// <summary>A timeline fed with the scenario, the restart at <paramref name="restartAt"/> seconds into the run.</summary>
    public static LiveTimeline Replay(string scenario, double restartAt = 10)
    {
        var timeline = new LiveTimeline();
        foreach (var (at, watchEvent) in Load(scenario))
        {
            var initial = at <= 0;
            timeline.Apply(watchEvent, TimeSpan.FromSeconds(initial ? 0.5 : restartAt + at), initial);
        }

        return timeline;
    }
}
