namespace Handoff.Rollout.Load;

/// <summary>How one request ended, as the client saw it.</summary>
public enum RequestOutcome
{
    /// <summary>A response with a status below 500 arrived.</summary>
    Ok,

    /// <summary>A 5xx response (502/503/504 from the load balancer, or 500 from the app).</summary>
    ServerError,

    /// <summary>The TCP connection was refused.</summary>
    Refused,

    /// <summary>The connection was reset or closed before a full response arrived.</summary>
    Reset,

    /// <summary>No response within the client's timeout.</summary>
    Timeout,

    /// <summary>Any other client-side failure.</summary>
    OtherError,

    /// <summary>A long-lived connection or stream ended without a close handshake: a WebSocket without a close frame (1006), a gRPC stream without a grpc-status trailer (reset), an event stream cut off.</summary>
    AbnormalClose,

    /// <summary>A message sent on a long-lived connection that was never echoed, because the connection ended abnormally.</summary>
    MessageLost,
}

/// <summary>What one traffic record stands for.</summary>
public enum TrafficUnit
{
    /// <summary>One HTTP request and its response.</summary>
    Request,

    /// <summary>One long-lived connection (a WebSocket, a server-sent event stream), from its connect to its end.</summary>
    Connection,

    /// <summary>One gRPC stream (an HTTP/2 stream), from its start to its grpc-status or reset.</summary>
    Stream,

    /// <summary>One message sent on a long-lived connection or stream.</summary>
    Message,
}

/// <summary>One traffic record of the load generator: a request, or a long-lived connection, stream or lost message (<see cref="Unit"/>).</summary>
/// <remarks>
/// The attribution and the reports read every unit the same way: a failed record started at <see cref="Start"/> on
/// <see cref="Backend"/> and failed by <see cref="End"/>. A connection spans the rollout: it starts before a pod's
/// SIGTERM and ends when the pod closes it (cleanly or not); a lost message starts when it was sent and ends when its
/// connection ended.
/// </remarks>
/// <param name="Start">Offset from the start of the run when the request was sent (a connection: when its connect started).</param>
/// <param name="End">Offset when it completed or failed (a connection: when it ended).</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Status">The HTTP status, when a response arrived (101 for a WebSocket).</param>
/// <param name="Backend">The backend (pod) that answered, from a response header, when known.</param>
/// <param name="Unit">What the record stands for; defaults to <see cref="TrafficUnit.Request"/>.</param>
/// <param name="Session">How a long-lived connection or stream went (null for requests).</param>
public sealed record RequestRecord(
    TimeSpan Start,
    TimeSpan End,
    RequestOutcome Outcome,
    int? Status,
    string? Backend,
    TrafficUnit Unit = TrafficUnit.Request,
    LongLived.SessionDetail? Session = null)
{
    /// <summary>Whether the request counts as failed (anything but <see cref="RequestOutcome.Ok"/>).</summary>
    public bool Failed => Outcome != RequestOutcome.Ok;
}
