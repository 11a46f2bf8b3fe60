using System.Text.Json;

namespace Handoff.Rollout.Testing.StandInKubectl;

/// <summary>scenario.json: what the stand-in kubectl answers.</summary>
internal sealed class Scenario
{
    public List<string> Contexts { get; init; } = ["stand-in"];

    public string? CurrentContext { get; init; } = "stand-in";

    /// <summary>The namespace the current context names ('kubectl config view --minify' prints it), or null.</summary>
    public string? ContextNamespace { get; init; }

    /// <summary>"VERB RESOURCE" pairs that 'auth can-i' answers "no" to.</summary>
    public List<string> Deny { get; init; } = [];

    /// <summary>Whether every cluster call fails as if the API server could not be reached.</summary>
    public bool Unreachable { get; init; }

    /// <summary>Seconds after the epoch when 'rollout status' reports success.</summary>
    public double RolloutCompleteAt { get; init; } = 10;

    /// <summary>When set, 'rollout status' succeeds once this file exists in the scenario directory (live streams).</summary>
    public string? RolloutFinishedMarker { get; init; }

    /// <summary>The replica count 'rollout status' mentions.</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>"restart" (the default: 'rollout restart' starts the clock) or "first-call".</summary>
    public string Epoch { get; init; } = "restart";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Scenario Load(string directory)
    {
        var file = Path.Combine(directory, "scenario.json");
        if (!File.Exists(file))
        {
            return new Scenario();
        }

        return JsonSerializer.Deserialize<Scenario>(File.ReadAllText(file), Json)
            ?? new Scenario();
    }
}
