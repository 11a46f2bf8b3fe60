namespace Handoff.Rollout.Tests.Support;

/// <summary>Where the test app, the CLI, the fixtures and the artifacts are, relative to this test assembly.</summary>
internal static class TestPaths
{
    private static readonly DirectoryInfo Output = new(AppContext.BaseDirectory);

    /// <summary>The repository root (the folder with Handoff.slnx).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string Configuration { get; } = Output.Parent!.Name;

    /// <summary>The test app's dll.</summary>
    public static string TestApp => Built("tests/apps/Handoff.Rollout.TestApp", "Handoff.Rollout.TestApp.dll");

    /// <summary>The CLI's dll.</summary>
    public static string Cli => Built("src/Handoff.Cli", "handoff.dll");

    /// <summary>The sample API's dll (WebSocket /ws, SSE /events, gRPC StreamEcho on {port:grpc}).</summary>
    public static string SampleApi => Built("samples/Handoff.Sample.Api", "Handoff.Sample.Api.dll");

    /// <summary>The --app template that runs the test app.</summary>
    public static string TestAppCommand => $"dotnet \"{TestApp}\" --urls http://127.0.0.1:{{port}}";

    /// <summary>A lab fixture.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "lab", name);

    /// <summary>A folder kept after the run for test artifacts (screenshots, reports): artifacts/test-results/rollout.</summary>
    public static string Artifacts(string name)
    {
        var dir = Path.Combine(Root, "artifacts", "test-results", "rollout", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first ({Configuration}).", path);
    }

    private static string FindRoot()
    {
        for (var dir = Output; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Handoff.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Handoff.slnx not found above " + Output.FullName);
    }
}
