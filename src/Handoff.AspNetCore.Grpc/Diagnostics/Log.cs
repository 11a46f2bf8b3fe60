using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Grpc.Diagnostics;

/// <summary>Source-generated log methods; the event ids are those of <see cref="LogEvents"/>.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LogEvents.GrpcCallClosed, EventName = nameof(LogEvents.GrpcCallClosed), Level = LogLevel.Debug,
        Message = "gRPC call {Method} ended with status UNAVAILABLE at its turn in the drain.")]
    public static partial void GrpcCallClosed(ILogger logger, string method);
}
