using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Handoff.AspNetCore.LongLived;

/// <summary>Hands the app a <see cref="DrainingWebSocket"/> and registers it, so the drain can close it with 1001.</summary>
internal sealed class ClosingWebSocketFeature(IHttpWebSocketFeature inner, LongLivedConnections connections, HttpContext context) : IHttpWebSocketFeature
{
    public bool IsWebSocketRequest => inner.IsWebSocketRequest;

    public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext acceptContext)
    {
        var socket = new DrainingWebSocket(await inner.AcceptAsync(acceptContext).ConfigureAwait(false));
        connections.Open(context, socket.CloseForDrainAsync);
        return socket;
    }
}
