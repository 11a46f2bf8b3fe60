namespace Handoff.AspNetCore.Shutdown;

/// <summary>Counts the requests in flight and aborts the ones still running at the drain deadline.</summary>
/// <remarks>
/// Every request registers on one shared token; cancelling it at the deadline calls
/// <c>HttpContext.Abort()</c> for each request still running, so nothing needs a list of contexts.
/// </remarks>
internal sealed class RequestTracker : IDisposable
{
    private readonly CancellationTokenSource _drainDeadline = new();
    private long _inFlight;

    /// <summary>Gets the number of requests the app is processing now, probes included.</summary>
    public long InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets whether the drain deadline has passed.</summary>
    public bool DeadlinePassed => _drainDeadline.IsCancellationRequested;

    /// <summary>Counts a request in and registers its abort callback on the drain deadline.</summary>
    public CancellationTokenRegistration Enter(Action<object?> abort, object state)
    {
        Interlocked.Increment(ref _inFlight);
        return _drainDeadline.Token.UnsafeRegister(abort, state);
    }

    /// <summary>Counts a request out; returns whether it was aborted at the drain deadline.</summary>
    public bool Exit(in CancellationTokenRegistration registration)
    {
        Interlocked.Decrement(ref _inFlight);

        // Unregister fails only when the callback already ran, that is, when the deadline aborted this request.
        return !registration.Unregister() && DeadlinePassed;
    }

    /// <summary>Aborts every request still running; returns how many there were.</summary>
    public long AbortAll()
    {
        var running = InFlight;
        _drainDeadline.Cancel();
        return running;
    }

    public void Dispose() => _drainDeadline.Dispose();
}
