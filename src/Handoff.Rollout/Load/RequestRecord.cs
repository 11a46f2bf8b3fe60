namespace Handoff.Rollout.Load;

/// <summary>How one request ended, as the client saw it.</summary>
public enum RequestOutcome
{
    /// <summary>A response with a status below 500 arrived.</summary>
    Ok,

    /// <summary>A 5xx response (502/503/504 from the load balancer, or 500 from the app).</summary>
    ServerError,

    /// <summary>The TCP connection was refused.</summary>
    Refused,

    /// <summary>The connection was reset or closed before a full response arrived.</summary>
    Reset,

    /// <summary>No response within the client's timeout.</summary>
    Timeout,

    /// <summary>Any other client-side failure.</summary>
    OtherError,
}

/// <summary>One request sent by the load generator.</summary>
/// <param name="Start">Offset from the start of the run when the request was sent.</param>
/// <param name="End">Offset when it completed or failed.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Status">The HTTP status, when a response arrived.</param>
/// <param name="Backend">The backend (pod) that answered, from a response header, when known.</param>
public sealed record RequestRecord(
    TimeSpan Start,
    TimeSpan End,
    RequestOutcome Outcome,
    int? Status,
    string? Backend)
{
    /// <summary>Whether the request counts as failed (anything but <see cref="RequestOutcome.Ok"/>).</summary>
    public bool Failed => Outcome != RequestOutcome.Ok;
}
