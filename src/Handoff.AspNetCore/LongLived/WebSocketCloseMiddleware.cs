using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Handoff.AspNetCore.LongLived;

/// <summary>
/// Runs right after the WebSockets middleware that <c>AddHandoff</c> places at the front of the pipeline, and hands the
/// app a WebSocket the drain can close. The app's own <c>UseWebSockets()</c> later finds the feature set and leaves it.
/// </summary>
internal sealed class WebSocketCloseMiddleware(RequestDelegate next, LongLivedConnections connections)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true } feature and not ClosingWebSocketFeature)
        {
            context.Features.Set<IHttpWebSocketFeature>(new ClosingWebSocketFeature(feature, connections, context));
        }

        return next(context);
    }
}
