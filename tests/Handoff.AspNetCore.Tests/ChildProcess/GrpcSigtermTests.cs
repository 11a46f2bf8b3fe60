using System.Diagnostics;
using Grpc.Core;
using Handoff.AspNetCore.Grpc;
using Handoff.AspNetCore.Tests.Support;

namespace Handoff.AspNetCore.Tests.ChildProcess;

/// <summary>The sample API as a child process with open gRPC streams (its h2c port) at a real SIGTERM: with the library and without.</summary>
[Collection(SampleProcessCollection.Name)]
public sealed class GrpcSigtermTests
{
    private const int Streams = 6;

    [Fact]
    public async Task Sigterm_WithTheLibrary_EveryStreamEndsWithUnavailableSpreadOverTheWindowAndTheProcessExitsCleanly()
    {
        var (app, ends, exitCode) = await SigtermWithOpenStreamsAsync(new Dictionary<string, string>
        {
            ["Handoff__ShutdownDelay__Mode"] = "Fixed",
            ["Handoff__ShutdownDelay__Seconds"] = "0.5",
            ["Handoff__DrainTimeoutSeconds"] = "6",
            ["Handoff__LongLivedConnections__CloseWindowSeconds"] = "1.5",
        });
        await using var stopped = app;

        exitCode.ShouldBe(0);
        var seen = string.Join(", ", ends.Select(e => e.ToString()));
        ends.ShouldAllBe(e => e.Status == StatusCode.Unavailable && !e.Transport && e.Detail == DrainingCall.Unavailable.Detail, seen);
        ends.ShouldAllBe(e => e.Backend == "test-pod", "the backend field is the X-Backend header's value");
        var times = ends.Select(e => e.Seconds).Order().ToList();
        (times[^1] - times[0]).ShouldBeGreaterThan(0.5, $"closes not spread: {seen}");
        times[0].ShouldBeGreaterThan(0.45, $"a stream ended during the 0.5 s delay: {seen}");
        app.Output.ShouldContain(l => l.Contains("[3030]") && l.Contains($"Closing {Streams} long-lived connections"), string.Join(Environment.NewLine, app.Output));
        app.Output.ShouldNotContain(l => l.Contains("[3031]"));
    }

    [Fact]
    public async Task Sigterm_PlainAspNetCore_ResetsEveryStreamAtItsShutdownTimeout()
    {
        var (app, ends, _) = await SigtermWithOpenStreamsAsync(new Dictionary<string, string>
        {
            ["Sample__UseHandoff"] = "false",
            ["Sample__ShutdownTimeoutSeconds"] = "1",
        });
        await using var stopped = app;

        // No trailers: every stream breaks when Kestrel aborts its connections, all in the same moment.
        var seen = string.Join(", ", ends.Select(e => e.ToString()));
        ends.ShouldAllBe(e => e.Transport, seen);
        var times = ends.Select(e => e.Seconds).Order().ToList();
        (times[^1] - times[0]).ShouldBeLessThan(0.5, $"aborts should come together: {seen}");
    }

    /// <summary>Starts the sample with its h2c port, opens the streams, sends SIGTERM and reads every stream to its end.</summary>
    private static async Task<(SampleProcess App, GrpcStreamEnd[] Ends, int ExitCode)> SigtermWithOpenStreamsAsync(Dictionary<string, string> environment)
    {
        var grpcPort = SampleProcess.FreeLoopbackPort();
        environment["Sample__GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var app = await SampleProcess.StartAsync(environment);
        try
        {
            using var channel = new GrpcTestChannel(new Uri($"http://127.0.0.1:{grpcPort}"));
            var streams = await channel.OpenAsync(Streams);
            var signalled = Stopwatch.GetTimestamp();
            app.Signal(SampleProcess.SigTerm);
            var ends = await Task.WhenAll(streams.Select(s => s.ReadUntilEndAsync(signalled)));
            var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
            streams.ForEach(s => s.Dispose());
            return (app, ends, exitCode);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
