namespace Handoff.Rollout.Load.LongLived;

/// <summary>How one long-lived connection or stream went, beyond its outcome: how it ended and what was carried on it.</summary>
/// <param name="Traffic">The kind of connection.</param>
/// <param name="Ending">How it ended, in the protocol's words ("close 1001 (EndpointUnavailable)", "grpc-status 14", "reset: ...", "stream ended without the closing event").</param>
/// <param name="CloseCode">The WebSocket close code received, when a close frame arrived.</param>
/// <param name="GrpcStatus">The grpc-status trailer, when one arrived.</param>
/// <param name="ClosedBy">Who ended it: "server", "client" (the run ended) or "network" (reset, aborted).</param>
/// <param name="MessagesSent">Messages the client sent on it (for server-sent events: 0).</param>
/// <param name="MessagesReceived">Messages received on it (echoes, or events).</param>
/// <param name="MessagesResent">Messages sent on it again because an earlier connection closed cleanly before echoing them.</param>
/// <param name="IsReconnect">Whether it replaced an earlier connection of the same client.</param>
/// <param name="ReconnectDelay">For a reconnect: from the end of the previous connection to this one being established.</param>
/// <param name="ConnectionStart">When the connection's connect started (on a lost message's record: the connection it was sent on).</param>
/// <param name="Http2Frames">gRPC with a connection per client: the GOAWAY and RST_STREAM frames the client received while the stream was open, in order ("GOAWAY (NO_ERROR), RST_STREAM (NO_ERROR)"); null when none or not observed.</param>
public sealed record SessionDetail(
    TimeSpan ConnectionStart,
    TrafficKind Traffic,
    string Ending,
    int? CloseCode,
    int? GrpcStatus,
    string ClosedBy,
    int MessagesSent,
    int MessagesReceived,
    int MessagesResent,
    bool IsReconnect,
    TimeSpan? ReconnectDelay,
    string? Http2Frames = null);
