using System.Runtime.InteropServices;

namespace Handoff.AspNetCore.Shutdown;

/// <summary>Counts the requests in flight and aborts the ones still running at the drain deadline.</summary>
/// <remarks>
/// Every request registers its abort on a deadline token; cancelling the tokens at the deadline calls
/// <c>HttpContext.Abort()</c> for each request still running, so nothing keeps a list of contexts. The count and
/// the tokens are striped by thread: one shared counter and one token would make every request on every core
/// contend for the same cache line and the same registration lock.
/// </remarks>
internal sealed class RequestTracker : IDisposable
{
    private readonly Stripe[] _stripes;
    private volatile bool _deadlinePassed;

    public RequestTracker()
    {
        _stripes = new Stripe[Math.Max(2, Environment.ProcessorCount * 2)];
        for (var i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <summary>Gets the number of requests the app is processing now, probes included.</summary>
    public long InFlight
    {
        get
        {
            long sum = 0;
            foreach (var stripe in _stripes)
            {
                sum += Volatile.Read(ref stripe.Count);
            }

            return sum;
        }
    }

    /// <summary>Gets whether the drain deadline has passed.</summary>
    public bool DeadlinePassed => _deadlinePassed;

    /// <summary>Counts a request in and registers its abort callback on the drain deadline.</summary>
    public RequestTicket Enter(Action<object?> abort, object state)
    {
        var stripe = _stripes[(uint)Environment.CurrentManagedThreadId % (uint)_stripes.Length];
        Interlocked.Increment(ref stripe.Count);
        return new RequestTicket(stripe, stripe.Deadline.Token.UnsafeRegister(abort, state));
    }

    /// <summary>Counts a request out; returns whether it was aborted at the drain deadline.</summary>
    public bool Exit(in RequestTicket ticket)
    {
        Interlocked.Decrement(ref ticket.Stripe.Count);

        // Unregister fails only when the callback already ran, that is, when the deadline aborted this request.
        return !ticket.Registration.Unregister() && _deadlinePassed;
    }

    /// <summary>Aborts every request still running; returns how many there were.</summary>
    public long AbortAll()
    {
        var running = InFlight;
        _deadlinePassed = true;
        foreach (var stripe in _stripes)
        {
            stripe.Deadline.Cancel();
        }

        return running;
    }

    public void Dispose()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Deadline.Dispose();
        }
    }

    internal sealed class Stripe
    {
        // A field, so Interlocked can update it in place.
        public long Count;

        public CancellationTokenSource Deadline { get; } = new();
    }
}

/// <summary>What a request holds while it is tracked.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct RequestTicket(RequestTracker.Stripe Stripe, CancellationTokenRegistration Registration);
