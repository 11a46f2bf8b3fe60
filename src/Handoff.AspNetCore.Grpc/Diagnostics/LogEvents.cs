namespace Handoff.AspNetCore.Grpc.Diagnostics;

/// <summary>Event ids of the log lines of the gRPC drain; they follow those of <c>Handoff.AspNetCore.Diagnostics.LogEvents</c>.</summary>
/// <remarks>The event names are the constant names.</remarks>
public static class LogEvents
{
    /// <summary>A streaming gRPC call ended with status UNAVAILABLE at its turn in the drain (or arrived during it).</summary>
    public const int GrpcCallClosed = 3040;
}
