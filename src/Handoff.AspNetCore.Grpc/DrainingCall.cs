using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Handoff.AspNetCore.Grpc;

/// <summary>
/// One streaming call registered with the drain: the token its handler sees (the client's cancellation or its turn to
/// close), and the stream wrappers that stop at that turn.
/// </summary>
internal sealed class DrainingCall : IDisposable
{
    /// <summary>The status a drained call ends with; clients treat UNAVAILABLE as "retry, on another instance".</summary>
    public static readonly Status Unavailable = new(StatusCode.Unavailable, "The server is shutting down; retry the call on another instance.");

    private const string HttpContextKey = "__HttpContext";

    private readonly HttpContext _http;
    private readonly CancellationToken _closeRequested;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenRegistration _onClose;

    public DrainingCall(IHandoffDrain drain, ServerCallContext context)
    {
        _http = context.GetHttpContext();

        // GetHttpContext() on a context that is not Grpc.AspNetCore's own looks it up under this key, the one
        // Grpc.AspNetCore documents for invokers that replace the call context.
        context.UserState[HttpContextKey] = _http;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        Context = new DrainingServerCallContext(context, _stop.Token);
        _closeRequested = drain.RegisterLongLived(_http);

        // Registered before anything else listens on the turn, so the GOAWAY goes out before the handler stops. A call
        // that arrived during the drain finds its turn already come and runs this at once.
        _onClose = _closeRequested.UnsafeRegister(static state => ((DrainingCall)state!).OnTurn(), this);
    }

    /// <summary>Gets the context the handler sees: the original one with <see cref="CancellationToken"/> firing at the turn.</summary>
    public ServerCallContext Context { get; }

    /// <summary>Gets whether the call's turn to close has come while its client is still there.</summary>
    public bool IsClosing => _closeRequested.IsCancellationRequested && !_http.RequestAborted.IsCancellationRequested;

    public IServerStreamWriter<T> Writer<T>(IServerStreamWriter<T> inner) => new DrainingStreamWriter<T>(inner, _stop.Token);

    public IAsyncStreamReader<T> Reader<T>(IAsyncStreamReader<T> inner) => new DrainingStreamReader<T>(inner, _stop.Token);

    /// <summary>Whether an exception from the handler is its reaction to the turn (a cancelled wait, read or write).</summary>
    public bool EndedByDrain(Exception exception) =>
        IsClosing && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled or StatusCode.Unavailable } or IOException;

    public void Dispose()
    {
        _onClose.Dispose();
        _stop.Dispose();
    }

    private void OnTurn()
    {
        // HTTP/2: Kestrel answers with GOAWAY, so the client's next call opens a connection to another instance; the
        // streams already open on this connection go on until each one's own turn.
        _http.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended at this very moment.
        }
    }
}
