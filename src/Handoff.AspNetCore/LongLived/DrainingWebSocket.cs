using System.Net.WebSockets;

namespace Handoff.AspNetCore.LongLived;

/// <summary>
/// The app's accepted WebSocket, able to be closed by the drain without racing the app: sends (the app's and the
/// library's close frame) take turns, and a close the app starts after the library's has completed is not an error.
/// </summary>
/// <remarks>
/// A WebSocket allows one send and one receive at a time; the app's own receive loop keeps running and sees the
/// client's answer to the close frame as an ordinary close message, as if the client had closed.
/// </remarks>
internal sealed class DrainingWebSocket : WebSocket
{
    private readonly WebSocket _inner;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _closedByDrain;

    public DrainingWebSocket(WebSocket inner) => _inner = inner;

    /// <summary>Gets whether the drain sent the close frame.</summary>
    public bool ClosedByDrain => Volatile.Read(ref _closedByDrain) == 1;

    public override WebSocketCloseStatus? CloseStatus => _inner.CloseStatus;

    public override string? CloseStatusDescription => _inner.CloseStatusDescription;

    public override WebSocketState State => _inner.State;

    public override string? SubProtocol => _inner.SubProtocol;

    /// <summary>Sends the close frame 1001 (going away) unless a close was already sent or the socket is gone.</summary>
    public async Task CloseForDrainAsync(CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_inner.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            Volatile.Write(ref _closedByDrain, 1);
            await _inner.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server shutting down", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    public override void Abort() => _inner.Abort();

    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        if (ClosedByDrain && _inner.State is WebSocketState.Closed or WebSocketState.Aborted)
        {
            return;
        }

        if (ClosedByDrain && _inner.State is WebSocketState.CloseSent)
        {
            // Our close frame is out: the app's close only has to wait for the client's answer.
            while (_inner.State == WebSocketState.CloseSent)
            {
                var result = await _inner.ReceiveAsync(new ArraySegment<byte>(new byte[256]), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }

            return;
        }

        await _inner.CloseAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
    }

    public override async Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ClosedByDrain && _inner.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            {
                return;
            }

            await _inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        _inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _inner.ReceiveAsync(buffer, cancellationToken);

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    public override void Dispose()
    {
        _inner.Dispose();
        _sending.Dispose();
    }
}
