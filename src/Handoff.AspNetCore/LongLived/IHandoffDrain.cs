using Microsoft.AspNetCore.Http;

namespace Handoff.AspNetCore;

/// <summary>
/// The drain as app code sees it: when it starts, and when a long-lived connection's turn to close has come. Resolve
/// it from dependency injection, or use <see cref="Microsoft.AspNetCore.Http.HandoffHttpContextExtensions.GetHandoffCloseToken"/> in a handler.
/// </summary>
public interface IHandoffDrain
{
    /// <summary>Gets a token that fires when the drain starts: the delay is over and Kestrel stops accepting.</summary>
    /// <remarks>Use it to flush and close what the app keeps open itself (a broker subscription, a stream of its own).</remarks>
    CancellationToken DrainStarted { get; }

    /// <summary>
    /// Registers the request as a long-lived connection (a server-sent event stream, a gRPC server stream, a long poll)
    /// and returns a token that fires at its own moment in the close window. End the response when it fires (for SSE,
    /// after writing a <c>retry:</c> hint; for gRPC, with status UNAVAILABLE, which Handoff.AspNetCore.Grpc's
    /// <c>AddHandoffDrain()</c> does for every streaming call) so the client reconnects to another pod.
    /// </summary>
    /// <param name="context">The request; calling again for the same request returns the same token.</param>
    CancellationToken RegisterLongLived(HttpContext context);
}
