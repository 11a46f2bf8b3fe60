namespace Handoff.Rollout.Load.LongLived;

/// <summary>How a long-lived connection or stream ended, as its client saw it.</summary>
/// <param name="Clean">Whether it ended with the protocol's close handshake (a close frame, a grpc-status, a completed event stream).</param>
/// <param name="Outcome">The record's outcome: <see cref="RequestOutcome.Ok"/> when clean.</param>
/// <param name="Ending">What ended it, in the protocol's words.</param>
/// <param name="ClosedBy">"server", "client" or "network".</param>
/// <param name="CloseCode">The WebSocket close code received.</param>
/// <param name="GrpcStatus">The grpc-status received.</param>
internal sealed record SessionEnding(bool Clean, RequestOutcome Outcome, string Ending, string ClosedBy, int? CloseCode = null, int? GrpcStatus = null);

/// <summary>A connect that got an HTTP answer other than the upgrade or stream it asked for (a 503 from the load balancer).</summary>
internal sealed class SessionRefusedException(int status, string? backend)
    : Exception($"The server answered HTTP {status} instead of opening the connection.")
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The backend header of the answer.</summary>
    public string? Backend { get; } = backend;
}

/// <summary>One long-lived connection or stream of a <see cref="LongLivedGenerator"/>: connect, send sequenced messages, receive until it ends.</summary>
internal abstract class LongLivedSession : IAsyncDisposable
{
    /// <summary>The backend named by the connect's answer, when known.</summary>
    public string? Backend { get; protected set; }

    /// <summary>Whether the client sends messages on it (server-sent events: no).</summary>
    public abstract bool SendsMessages { get; }

    /// <summary>Opens the connection; throws what the client saw when it cannot (<see cref="SessionRefusedException"/> for an HTTP answer).</summary>
    public abstract Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends message <paramref name="sequence"/>.</summary>
    public abstract Task SendAsync(long sequence, CancellationToken cancellationToken);

    /// <summary>Receives until the connection ends, calling <paramref name="onMessage"/> with each message's sequence number.</summary>
    public abstract Task<SessionEnding> ReceiveAsync(Action<long> onMessage, CancellationToken cancellationToken);

    /// <summary>Starts the client's own close (the run ended): the receive ends once the server answers it.</summary>
    public abstract Task CloseAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    /// <summary>The innermost message of <paramref name="exception"/>, for an ending's description.</summary>
    protected static string Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message.TrimEnd('.');
    }
}
