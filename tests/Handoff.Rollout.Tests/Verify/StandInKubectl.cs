using System.Text.Json;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>
/// A STAND-IN kubectl for one test: a directory with an executable 'kubectl' wrapper that runs
/// tests/apps/Handoff.StandInKubectl against a scenario (recorded streams under tests/fixtures/verify, or files a
/// test writes live). No cluster can run on this machine, so this is the one faked boundary.
/// </summary>
internal sealed class StandInKubectl : IDisposable
{
    private StandInKubectl(string directory, string scenarioDirectory)
    {
        Directory = directory;
        ScenarioDirectory = scenarioDirectory;
        StateDirectory = Path.Combine(directory, "state");
        System.IO.Directory.CreateDirectory(StateDirectory);
    }

    /// <summary>The directory holding the 'kubectl' wrapper (put it on PATH, or pass <see cref="ExecutablePath"/>).</summary>
    public string Directory { get; }

    /// <summary>The stand-in's executable path.</summary>
    public string ExecutablePath => System.IO.Path.Combine(Directory, "kubectl");

    public string ScenarioDirectory { get; }

    public string StateDirectory { get; }

    /// <summary>A stand-in replaying the recorded scenario tests/fixtures/verify/<paramref name="scenario"/>.</summary>
    public static StandInKubectl ForFixture(string scenario, bool indented = false)
        => Create(System.IO.Path.Combine(FixturesDirectory, "verify", scenario), indented);

    /// <summary>A stand-in over a scenario directory the test fills (for example while the lab runs).</summary>
    public static StandInKubectl ForDirectory(string scenarioDirectory) => Create(scenarioDirectory, indented: false);

    public static string FixturesDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("tests/fixtures not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Every call the stand-in received, as argument lists, in order.</summary>
    public IReadOnlyList<string[]> Calls()
    {
        var calls = System.IO.Path.Combine(StateDirectory, "calls");
        return System.IO.Directory.Exists(calls)
            ? System.IO.Directory.GetFiles(calls, "*.json")
                .Order(StringComparer.Ordinal)
                .Select(file => JsonSerializer.Deserialize<string[]>(File.ReadAllText(file))!)
                .ToList()
            : [];
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed stand-in may still hold a file for a moment; the temp directory is cleaned by the OS.
        }
    }

    private static StandInKubectl Create(string scenarioDirectory, bool indented)
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "handoff-standin-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var standIn = new StandInKubectl(directory, scenarioDirectory);
        var binary = System.IO.Path.Combine(AppContext.BaseDirectory, "Handoff.StandInKubectl");
        File.WriteAllText(standIn.ExecutablePath,
            "#!/bin/sh\n"
            + "# STAND-IN kubectl for tests: replays recorded watch streams; see tests/apps/Handoff.StandInKubectl.\n"
            + $"export HANDOFF_STANDIN_SCENARIO='{scenarioDirectory}'\n"
            + $"export HANDOFF_STANDIN_STATE='{standIn.StateDirectory}'\n"
            + "export HANDOFF_STANDIN_MAX_SECONDS=120\n"
            + (indented ? "export HANDOFF_STANDIN_INDENT=1\n" : string.Empty)
            + $"exec '{binary}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(standIn.ExecutablePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return standIn;
    }
}
