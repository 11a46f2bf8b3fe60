using System.Runtime.InteropServices;

namespace Handoff.AspNetCore.Shutdown;

/// <summary>Decides when an adaptive shutdown delay ends.</summary>
/// <remarks>
/// The delay ends when no non-probe request has arrived for the quiet period, never before the floor and
/// never after the ceiling. Arrivals before shutdown began do not count: the load balancers only start to
/// stop sending at that moment, so silence before it says nothing.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct AdaptiveDelayPolicy(TimeSpan Floor, TimeSpan Ceiling, TimeSpan QuietPeriod)
{
    /// <summary>Evaluates the delay at <paramref name="elapsed"/> since shutdown began.</summary>
    /// <param name="elapsed">Time since shutdown began.</param>
    /// <param name="sinceLastArrival">
    /// Time since the last non-probe request arrived after shutdown began, or <paramref name="elapsed"/> if none did.
    /// </param>
    /// <returns>Whether the delay is over, why, and otherwise how long to wait before evaluating again.</returns>
    public AdaptiveDelayDecision Evaluate(TimeSpan elapsed, TimeSpan sinceLastArrival)
    {
        if (elapsed >= Ceiling)
        {
            return new AdaptiveDelayDecision(true, DelayEndReason.Ceiling, TimeSpan.Zero);
        }

        var quietFor = sinceLastArrival < elapsed ? sinceLastArrival : elapsed;
        if (elapsed >= Floor && quietFor >= QuietPeriod)
        {
            return new AdaptiveDelayDecision(true, DelayEndReason.Quiet, TimeSpan.Zero);
        }

        // The earliest moment both conditions can hold if no request arrives meanwhile, capped by the ceiling.
        var untilFloor = Floor - elapsed;
        var untilQuiet = QuietPeriod - quietFor;
        var wait = untilFloor > untilQuiet ? untilFloor : untilQuiet;
        var untilCeiling = Ceiling - elapsed;
        return new AdaptiveDelayDecision(false, DelayEndReason.None, wait < untilCeiling ? wait : untilCeiling);
    }
}

/// <summary>The outcome of <see cref="AdaptiveDelayPolicy.Evaluate"/>.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct AdaptiveDelayDecision(bool IsOver, DelayEndReason Reason, TimeSpan WaitBeforeNextCheck);

/// <summary>Why a shutdown delay ended.</summary>
internal enum DelayEndReason
{
    /// <summary>The delay is not over.</summary>
    None,

    /// <summary>No delay is configured.</summary>
    NoDelay,

    /// <summary>The fixed delay elapsed.</summary>
    Fixed,

    /// <summary>No non-probe request arrived during the quiet period, and the floor had passed.</summary>
    Quiet,

    /// <summary>The adaptive delay reached its ceiling.</summary>
    Ceiling,

    /// <summary>A second signal, or the host's own timeout, ended the delay early.</summary>
    EndedEarly,
}
