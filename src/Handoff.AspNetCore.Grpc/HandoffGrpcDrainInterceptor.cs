using Grpc.Core;
using Grpc.Core.Interceptors;
using Handoff.AspNetCore.Grpc.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Grpc;

/// <summary>
/// A gRPC server interceptor that registers every streaming call with the Handoff drain and ends it with status
/// <see cref="StatusCode.Unavailable"/> at its turn in the close window; a call that arrives during the drain is
/// answered the same way without running the handler. Add it with <c>services.AddGrpc().AddHandoffDrain()</c>.
/// </summary>
/// <remarks>
/// At a call's turn the connection is asked to close first (Kestrel sends HTTP/2 GOAWAY, so the client opens its next
/// call elsewhere), then the handler's <see cref="ServerCallContext.CancellationToken"/> fires, its response stream
/// refuses further writes and its request stream stops reading. Whatever the handler then throws or returns, the call
/// ends with trailers <c>grpc-status: 14</c>, which clients treat as "not available here, retry". Unary calls are left
/// alone: they are short requests, drained like any other.
/// </remarks>
public sealed class HandoffGrpcDrainInterceptor : Interceptor
{
    private readonly IHandoffDrain _drain;
    private readonly ILogger _logger;

    /// <summary>Creates the interceptor; <c>AddHandoffDrain</c> registers it as a singleton.</summary>
    /// <param name="drain">The drain, registered by <c>services.AddHandoff()</c>.</param>
    /// <param name="logger">The logger of the closes.</param>
    public HandoffGrpcDrainInterceptor(IHandoffDrain drain, ILogger<HandoffGrpcDrainInterceptor> logger)
    {
        _drain = drain;
        _logger = logger;
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return RunStreamingAsync(context, call => continuation(request, call.Writer(responseStream), call.Context));
    }

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return RunStreamingAsync(context, call => continuation(call.Reader(requestStream), call.Writer(responseStream), call.Context));
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        using var call = new DrainingCall(_drain, context);
        if (!call.IsClosing)
        {
            try
            {
                var response = await continuation(call.Reader(requestStream), call.Context).ConfigureAwait(false);
                if (!call.IsClosing)
                {
                    return response;
                }
            }
            catch (Exception e) when (call.EndedByDrain(e))
            {
                // The handler stopped because its turn came; the exception below says so.
            }
        }

        // A unary response cannot carry a status without an exception.
        Log.GrpcCallClosed(_logger, context.Method);
        throw new RpcException(DrainingCall.Unavailable);
    }

    private async Task RunStreamingAsync(ServerCallContext context, Func<DrainingCall, Task> handler)
    {
        using var call = new DrainingCall(_drain, context);
        if (!call.IsClosing)
        {
            try
            {
                await handler(call).ConfigureAwait(false);
            }
            catch (Exception e) when (call.EndedByDrain(e))
            {
                // The handler stopped because its turn came; the status below says so.
            }
        }

        EndIfDrained(call, context);
    }

    private void EndIfDrained(DrainingCall call, ServerCallContext context)
    {
        // A handler that returned (or threw) after its turn came did so because of the drain: the client must hear
        // "retry elsewhere", not "done". A status the handler set itself is left as it is.
        if (call.IsClosing && context.Status.StatusCode == StatusCode.OK)
        {
            context.Status = DrainingCall.Unavailable;
            Log.GrpcCallClosed(_logger, context.Method);
        }
    }
}
