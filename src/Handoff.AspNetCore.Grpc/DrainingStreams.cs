using Grpc.Core;

namespace Handoff.AspNetCore.Grpc;

/// <summary>The handler's response stream: once the call's turn has come, a write throws instead of sending.</summary>
/// <remarks>A handler that loops on writes without looking at its token (a ticker) still stops at its next write.</remarks>
internal sealed class DrainingStreamWriter<T>(IServerStreamWriter<T> inner, CancellationToken stop) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(T message)
    {
        stop.ThrowIfCancellationRequested();
        return inner.WriteAsync(message);
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        stop.ThrowIfCancellationRequested();
        return inner.WriteAsync(message, cancellationToken);
    }
}

/// <summary>The handler's request stream: a read waiting for the next message ends at the call's turn.</summary>
internal sealed class DrainingStreamReader<T>(IAsyncStreamReader<T> inner, CancellationToken stop) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled || cancellationToken == stop)
        {
            return inner.MoveNext(stop);
        }

        return MoveNextLinkedAsync(cancellationToken);
    }

    private async Task<bool> MoveNextLinkedAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
        return await inner.MoveNext(linked.Token).ConfigureAwait(false);
    }
}
