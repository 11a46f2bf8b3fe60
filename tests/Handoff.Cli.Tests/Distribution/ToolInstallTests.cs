namespace Handoff.Cli.Tests.Distribution;

/// <summary>'dotnet tool install' of Handoff.Tool from artifacts/packages into an empty folder, then 'handoff check'.</summary>
public sealed class ToolInstallTests : IDisposable
{
    private readonly string _work = Artifacts.TempDirectory("tool-install");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [ArtifactFact]
    public void DotnetToolInstall_FromTheLocalPackage_ChecksACopiedSample()
    {
        Artifacts.Require();
        var tools = Path.Combine(_work, "tools");
        var project = Path.Combine(_work, "project");
        Directory.CreateDirectory(project);
        File.Copy(Path.Combine(CliRunner.Samples, "deploy", "naive.yaml"), Path.Combine(project, "deployment.yaml"));
        // A package cache of its own, so an older build of the same version cached in ~/.nuget cannot stand in.
        var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-cache"), ["NO_COLOR"] = "1" };

        var install = Artifacts.Run("dotnet", project, env, TimeSpan.FromMinutes(3),
            "tool", "install", "--tool-path", tools, "--add-source", Artifacts.Packages, "Handoff.Tool", "--version", Artifacts.Version);
        install.ExitCode.ShouldBe(0, install.Stdout + install.Stderr);

        var handoff = Path.Combine(tools, "handoff");
        var version = Artifacts.Run(handoff, project, env, TimeSpan.FromSeconds(60), "--version");
        var check = Artifacts.Run(handoff, project, env, TimeSpan.FromSeconds(60), "check", "deployment.yaml");

        version.Stdout.Trim().ShouldBe(Artifacts.Version);
        check.ExitCode.ShouldBe(1, check.Stderr);
        check.Stdout.ShouldContain("deployment.yaml:");
        check.Stdout.ShouldContain("HO101");
    }
}
