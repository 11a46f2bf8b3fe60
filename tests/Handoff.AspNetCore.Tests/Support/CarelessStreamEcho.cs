using Grpc.Core;
using Handoff.Lab.Grpc;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>
/// The lab's contract written without a thought for shutdown: no cancellation token anywhere. The drain must still end
/// both calls at their turn (the ticker at its next write, the echo at its next read).
/// </summary>
internal sealed class CarelessStreamEcho(GrpcHandlerCount count) : StreamEcho.StreamEchoBase
{
    public override async Task Echo(IAsyncStreamReader<EchoMessage> requestStream, IServerStreamWriter<EchoMessage> responseStream, ServerCallContext context)
    {
        count.Started();
        while (await requestStream.MoveNext())
        {
            var message = requestStream.Current;
            await responseStream.WriteAsync(new EchoMessage { Sequence = message.Sequence, Payload = message.Payload, Backend = "in-process" });
        }
    }

    public override async Task Ticks(TicksRequest request, IServerStreamWriter<EchoMessage> responseStream, ServerCallContext context)
    {
        count.Started();
        for (long sequence = 0; ; sequence++)
        {
            await responseStream.WriteAsync(new EchoMessage { Sequence = sequence, Backend = "in-process" });
#pragma warning disable CA2016 // On purpose: the handler ignores its token; the drain must stop it anyway.
            await Task.Delay(request.IntervalMs);
#pragma warning restore CA2016
        }
    }
}

/// <summary>How many handler calls started (a call refused during the drain never starts one).</summary>
internal sealed class GrpcHandlerCount
{
    private int _started;

    public int Value => Volatile.Read(ref _started);

    public void Started() => Interlocked.Increment(ref _started);
}
