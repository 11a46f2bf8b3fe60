namespace Handoff.AspNetCore.Shutdown;

/// <summary>Remembers how the host's shutdown timeout was raised, so it can be logged once the host starts.</summary>
/// <remarks>Options are configured before any logger exists; the lifecycle service logs this at start.</remarks>
internal sealed class ShutdownTimeoutAdjustment
{
    public TimeSpan? From { get; private set; }

    public TimeSpan? To { get; private set; }

    public void Record(TimeSpan from, TimeSpan to)
    {
        From = from;
        To = to;
    }
}
