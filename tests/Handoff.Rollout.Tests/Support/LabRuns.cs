using Handoff.Rollout.Lab;

namespace Handoff.Rollout.Tests.Support;

/// <summary>Runs the lab on a fixture with the test app as the pods.</summary>
internal static class LabRuns
{
    public static Task<LabResult> RunAsync(string fixture, string propagation, int rps, TimeSpan duration, CancellationToken cancellationToken, string? keepFilesIn = null, int connections = 16, string path = "/")
    {
        PropagationDelay.TryParse(propagation, out var delay).ShouldBeTrue();
        var options = new LabOptions
        {
            App = AppCommand.Parse(TestPaths.TestAppCommand),
            Propagation = delay!,
            RequestsPerSecond = rps,
            Duration = duration,
            Connections = connections,
            Seed = 42,
            KeepFilesIn = keepFilesIn,
            Path = path,
        };
        return new LabRunner(TimeProvider.System).RunAsync(LabManifestReader.Read(TestPaths.Fixture(fixture)), options, progress: null, cancellationToken);
    }

    /// <summary>Asserts that no process the lab started is alive and none of its ports accepts connections.</summary>
    public static async Task ShouldHaveLeftNothingAsync(LabResult result)
    {
        result.ProcessIds.ShouldNotBeEmpty();
        (await Processes.WaitGoneAsync(result.ProcessIds, TimeSpan.FromSeconds(5))).ShouldBeEmpty("every process the lab started has ended");
        foreach (var port in result.Ports)
        {
            (await FreePort.IsListeningAsync(port, CancellationToken.None)).ShouldBeFalse($"port {port} is closed");
        }
    }
}
