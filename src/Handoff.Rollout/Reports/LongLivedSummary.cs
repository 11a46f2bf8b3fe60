using Handoff.Rollout.Load;

namespace Handoff.Rollout.Reports;

/// <summary>What the long-lived connections of a run went through, read from the traffic records alone.</summary>
/// <param name="Traffic">The kind of connection.</param>
/// <param name="Connections">Connections established (each WebSocket, event stream or gRPC stream once).</param>
/// <param name="Reconnects">Of those, the ones that replaced an earlier connection of the same client.</param>
/// <param name="FailedConnects">Connects that failed (refused, a 503 from the load balancer, a timeout).</param>
/// <param name="CleanCloses">Connections that ended with the protocol's close (1000/1001, grpc-status 0/14, a completed stream).</param>
/// <param name="AbnormalCloses">Connections that ended without one (1006, reset, no grpc-status, a stream cut off).</param>
/// <param name="Endings">How connections ended, by description without its detail ("close 1001 (EndpointUnavailable)", "grpc-status 14 (UNAVAILABLE)"), most frequent first.</param>
/// <param name="MessagesSent">Messages sent (events: 0).</param>
/// <param name="MessagesReceived">Echoes (events) received.</param>
/// <param name="MessagesResent">Messages sent again after a clean close had left them unechoed.</param>
/// <param name="MessagesLost">Messages sent and never echoed because their connection ended abnormally.</param>
/// <param name="PeakReconnectsPerSecond">The most reconnect attempts that started in one second of the run.</param>
/// <param name="PeakReconnectsAt">The start of that second.</param>
/// <param name="MedianReconnectDelay">From a connection's end to its replacement being established, the median.</param>
/// <param name="MaxReconnectDelay">The longest such delay.</param>
/// <param name="Http2Frames">gRPC: the GOAWAY and RST_STREAM frames the clients received while their streams were open, by kind and error code ("GOAWAY (NO_ERROR)"), most frequent first; empty when not observed.</param>
public sealed record LongLivedSummary(
    TrafficKind Traffic,
    int Connections,
    int Reconnects,
    int FailedConnects,
    int CleanCloses,
    int AbnormalCloses,
    IReadOnlyList<KeyValuePair<string, int>> Endings,
    long MessagesSent,
    long MessagesReceived,
    long MessagesResent,
    int MessagesLost,
    int PeakReconnectsPerSecond,
    TimeSpan? PeakReconnectsAt,
    TimeSpan? MedianReconnectDelay,
    TimeSpan? MaxReconnectDelay,
    IReadOnlyList<KeyValuePair<string, int>> Http2Frames)
{
    /// <summary>The summary of <paramref name="records"/>, or null when they hold no long-lived connection (HTTP traffic).</summary>
    public static LongLivedSummary? From(IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var connections = records.Where(r => r.Unit is TrafficUnit.Connection or TrafficUnit.Stream && r.Session is not null).ToList();
        if (connections.Count == 0)
        {
            return null;
        }

        var failedConnects = connections.Where(r => r.Outcome is not (RequestOutcome.Ok or RequestOutcome.AbnormalClose)).ToList();
        var established = connections.Except(failedConnects).ToList();
        var reconnectStarts = connections.Where(r => r.Session!.IsReconnect).Select(r => (long)Math.Floor(r.Start.TotalSeconds)).ToList();
        var peak = reconnectStarts.GroupBy(s => s).Select(g => (Second: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Second).FirstOrDefault();
        var delays = established.Select(r => r.Session!.ReconnectDelay).OfType<TimeSpan>().Order().ToList();
        var endings = Count(established.Select(r => Kind(r.Session!.Ending)));
        return new LongLivedSummary(
            connections[0].Session!.Traffic,
            established.Count,
            established.Count(r => r.Session!.IsReconnect),
            failedConnects.Count,
            established.Count(r => r.Outcome == RequestOutcome.Ok),
            established.Count(r => r.Outcome == RequestOutcome.AbnormalClose),
            endings,
            established.Sum(r => (long)r.Session!.MessagesSent),
            established.Sum(r => (long)r.Session!.MessagesReceived),
            established.Sum(r => (long)r.Session!.MessagesResent),
            records.Count(r => r.Outcome == RequestOutcome.MessageLost),
            peak.Count,
            peak.Count > 0 ? TimeSpan.FromSeconds(peak.Second) : null,
            delays.Count > 0 ? delays[delays.Count / 2] : null,
            delays.Count > 0 ? delays[^1] : null,
            Count(established.SelectMany(r => r.Session!.Http2Frames?.Split(", ") ?? [])));
    }

    private static List<KeyValuePair<string, int>> Count(IEnumerable<string> names) => names
        .GroupBy(n => n, StringComparer.Ordinal)
        .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
        .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();

    // "no close frame (1006): The remote party closed ..." -> "no close frame (1006)": the detail is per connection.
    private static string Kind(string ending)
    {
        var colon = ending.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? ending[..colon] : ending;
    }
}
