using System.Text.Json;

namespace Handoff.Rollout.Cluster;

/// <summary>One entry of a Kubernetes watch stream as kubectl prints it with --output-watch-events.</summary>
/// <param name="Type">ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.</param>
/// <param name="Object">The object (a Pod, an EndpointSlice, an Event, or a Status for ERROR), detached from its document.</param>
public sealed record WatchEvent(string Type, JsonElement Object)
{
    /// <summary>The ADDED type.</summary>
    public const string Added = "ADDED";

    /// <summary>The MODIFIED type.</summary>
    public const string Modified = "MODIFIED";

    /// <summary>The DELETED type.</summary>
    public const string Deleted = "DELETED";

    /// <summary>The ERROR type (the object is a Status).</summary>
    public const string Error = "ERROR";

    /// <summary>The object's kind ("Pod", "EndpointSlice", "Event", "Status"), or empty.</summary>
    public string Kind => Object.ValueKind == JsonValueKind.Object && Object.TryGetProperty("kind", out var kind)
        && kind.ValueKind == JsonValueKind.String ? kind.GetString()! : string.Empty;
}
