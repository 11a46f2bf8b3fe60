namespace Handoff.Rollout.Load;

/// <summary>What the lab's load generator sends.</summary>
public enum TrafficKind
{
    /// <summary>Short HTTP/1.1 GET requests over keep-alive connections (the default).</summary>
    Http,

    /// <summary>Long-lived WebSockets that send sequenced messages and expect each echoed.</summary>
    WebSocket,

    /// <summary>Long-lived server-sent event streams (text/event-stream).</summary>
    Sse,

    /// <summary>Long-lived gRPC bidirectional streams (StreamEcho/Echo) over HTTP/2 cleartext (h2c) that send sequenced messages and expect each echoed.</summary>
    Grpc,

    /// <summary>Long-lived gRPC server-streaming calls (StreamEcho/Ticks) over h2c: one request, then a message from the server every interval.</summary>
    GrpcTicks,
}

/// <summary>Names and defaults of the <see cref="TrafficKind"/>s.</summary>
public static class TrafficKinds
{
    /// <summary>The names '--traffic' accepts, in display order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["http", "websocket", "sse", "grpc", "grpc-ticks"];

    /// <summary>The kind named <paramref name="name"/> ('http', 'websocket', 'sse', 'grpc'), or null.</summary>
    public static TrafficKind? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "http" => TrafficKind.Http,
        "websocket" or "ws" => TrafficKind.WebSocket,
        "sse" => TrafficKind.Sse,
        "grpc" => TrafficKind.Grpc,
        "grpc-ticks" => TrafficKind.GrpcTicks,
        _ => null,
    };

    /// <summary>The kind's name as '--traffic' takes it.</summary>
    public static string Name(this TrafficKind kind) => Names[(int)kind];

    /// <summary>Whether the kind keeps long-lived connections instead of sending requests.</summary>
    public static bool IsLongLived(this TrafficKind kind) => kind != TrafficKind.Http;

    /// <summary>Whether the kind is gRPC (h2c to the pods' gRPC port).</summary>
    public static bool IsGrpc(this TrafficKind kind) => kind is TrafficKind.Grpc or TrafficKind.GrpcTicks;

    /// <summary>The path the sample API serves the kind on: '/' for HTTP, '/ws', '/events', and the gRPC method of stream_echo.proto.</summary>
    public static string DefaultPath(this TrafficKind kind) => kind switch
    {
        TrafficKind.WebSocket => "/ws",
        TrafficKind.Sse => "/events",
        TrafficKind.Grpc => LongLived.GrpcEchoSession.EchoMethod,
        TrafficKind.GrpcTicks => LongLived.GrpcEchoSession.TicksMethod,
        _ => "/",
    };
}
