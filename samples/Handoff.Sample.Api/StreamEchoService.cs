using Grpc.Core;
using Handoff.Lab.Grpc;

namespace Handoff.Sample.Api;

/// <summary>
/// The lab's gRPC streaming contract (src/Handoff.Rollout/Protos/stream_echo.proto), written the usual way: both
/// calls run until the client cancels or <see cref="ServerCallContext.CancellationToken"/> fires. With the library that
/// token fires at the call's turn in the drain and the call ends with UNAVAILABLE; plain ASP.NET Core resets the stream
/// at its shutdown timeout.
/// </summary>
internal sealed class StreamEchoService(BackendName backend) : StreamEcho.StreamEchoBase
{
    private const int DefaultIntervalMs = 200;
    private const int LongestIntervalMs = 60_000;

    public override async Task Echo(IAsyncStreamReader<EchoMessage> requestStream, IServerStreamWriter<EchoMessage> responseStream, ServerCallContext context)
    {
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new EchoMessage { Sequence = message.Sequence, Payload = message.Payload, Backend = backend.Value }, context.CancellationToken);
        }
    }

    public override async Task Ticks(TicksRequest request, IServerStreamWriter<EchoMessage> responseStream, ServerCallContext context)
    {
        var interval = TimeSpan.FromMilliseconds(request.IntervalMs <= 0 ? DefaultIntervalMs : Math.Min(request.IntervalMs, LongestIntervalMs));
        for (long sequence = 0; !context.CancellationToken.IsCancellationRequested; sequence++)
        {
            await responseStream.WriteAsync(new EchoMessage { Sequence = sequence, Backend = backend.Value }, context.CancellationToken);
            await Task.Delay(interval, context.CancellationToken);
        }
    }
}
