namespace Handoff.AspNetCore.Shutdown;

/// <summary>The phases of the shutdown sequence, in order.</summary>
internal enum ShutdownPhase
{
    /// <summary>Serving; readiness follows the health checks.</summary>
    Running = 0,

    /// <summary>Readiness fails; requests are still served while the load balancers catch up.</summary>
    Delaying = 1,

    /// <summary>Kestrel stopped accepting; in-flight requests finish within the drain timeout.</summary>
    Draining = 2,

    /// <summary>The server has stopped.</summary>
    Stopped = 3,
}
