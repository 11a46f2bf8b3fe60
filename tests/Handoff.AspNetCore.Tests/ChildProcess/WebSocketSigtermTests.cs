using System.Diagnostics;
using System.Net.WebSockets;
using Handoff.AspNetCore.Tests.Support;

namespace Handoff.AspNetCore.Tests.ChildProcess;

/// <summary>The sample API as a child process with open WebSockets at a real SIGTERM: with the library and without.</summary>
[Collection(SampleProcessCollection.Name)]
public sealed class WebSocketSigtermTests
{
    private const int Sockets = 6;

    [Fact]
    public async Task Sigterm_WithTheLibrary_EveryWebSocketGetsCloseFrame1001AndTheProcessExitsCleanly()
    {
        await using var app = await SampleProcess.StartAsync(new Dictionary<string, string>
        {
            ["Handoff__ShutdownDelay__Mode"] = "Fixed",
            ["Handoff__ShutdownDelay__Seconds"] = "0.5",
            ["Handoff__DrainTimeoutSeconds"] = "6",
            ["Handoff__LongLivedConnections__CloseWindowSeconds"] = "1.5",
        });
        var clients = await WebSocketClients.ConnectAsync(app.BaseAddress, Sockets);

        var signalled = Stopwatch.GetTimestamp();
        app.Signal(SampleProcess.SigTerm);
        var ends = await Task.WhenAll(clients.Select(c => WebSocketClients.ReadUntilEndAsync(c, signalled)));
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        exitCode.ShouldBe(0);
        ends.ShouldAllBe(e => e.Status == WebSocketCloseStatus.EndpointUnavailable, string.Join(", ", ends.Select(e => e.ToString())));
        var times = ends.Select(e => e.Seconds).Order().ToList();
        (times[^1] - times[0]).ShouldBeGreaterThan(0.5, $"closes not spread: {string.Join(", ", times)}");
        app.Output.ShouldContain(l => l.Contains("[3030]") && l.Contains($"Closing {Sockets} long-lived connections"), string.Join(Environment.NewLine, app.Output));
        app.Output.ShouldNotContain(l => l.Contains("[3031]"));
        WebSocketClients.DisposeAll(clients);
    }

    [Fact]
    public async Task Sigterm_PlainAspNetCore_AbortsEveryWebSocketAtItsShutdownTimeout()
    {
        await using var app = await SampleProcess.StartAsync(new Dictionary<string, string>
        {
            ["Sample__UseHandoff"] = "false",
            ["Sample__ShutdownTimeoutSeconds"] = "1",
        });
        var clients = await WebSocketClients.ConnectAsync(app.BaseAddress, Sockets);

        var signalled = Stopwatch.GetTimestamp();
        app.Signal(SampleProcess.SigTerm);
        var ends = await Task.WhenAll(clients.Select(c => WebSocketClients.ReadUntilEndAsync(c, signalled)));
        await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // No close frame at all: a browser reports 1006 (abnormal closure), and all of them end together.
        ends.ShouldAllBe(e => e.Status == null && e.Abnormal, string.Join(", ", ends.Select(e => e.ToString())));
        var times = ends.Select(e => e.Seconds).Order().ToList();
        (times[^1] - times[0]).ShouldBeLessThan(0.5, $"aborts should come together: {string.Join(", ", times)}");
        WebSocketClients.DisposeAll(clients);
    }
}
