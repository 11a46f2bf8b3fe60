using System.Text.Json;

namespace Handoff.Cli.Tests.Distribution;

/// <summary>
/// Runs action.yml's shell steps (eng/action/install.sh, then eng/action/check.sh) the way a GitHub runner does:
/// GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_PATH, RUNNER_TEMP and the INPUT_* variables the action's steps set, PATH
/// extended with what the first step wrote to GITHUB_PATH. The upload step is GitHub's own action and cannot run here.
/// </summary>
public sealed class GitHubActionTests : IDisposable
{
    private readonly string _runner = Artifacts.TempDirectory("github-runner");

    public void Dispose() => Directory.Delete(_runner, recursive: true);

    [ArtifactFact]
    public void ActionSteps_OnAWorkspaceWithTheNaiveSample_WriteSarifAndFailTheStep()
    {
        Artifacts.Require();
        var workspace = Path.Combine(_runner, "work", "repo");
        var temp = Path.Combine(_runner, "temp");
        Directory.CreateDirectory(Path.Combine(workspace, "deploy"));
        Directory.CreateDirectory(temp);
        File.Copy(Path.Combine(CliRunner.Samples, "deploy", "naive.yaml"), Path.Combine(workspace, "deploy", "naive.yaml"));
        File.Copy(Path.Combine(CliRunner.Samples, "deploy", "recommended.yaml"), Path.Combine(workspace, "deploy", "recommended.yaml"));
        var output = Path.Combine(temp, "github_output");
        var githubPath = Path.Combine(temp, "github_path");
        File.WriteAllText(output, string.Empty);
        File.WriteAllText(githubPath, string.Empty);
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = workspace,
            ["GITHUB_ACTION_PATH"] = CliRunner.Root,
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_PATH"] = githubPath,
            ["RUNNER_TEMP"] = temp,
            ["NUGET_PACKAGES"] = Path.Combine(temp, "nuget-cache"),
            ["NO_COLOR"] = "1",
            ["INPUT_VERSION"] = Artifacts.Version,
            ["INPUT_PACKAGE_SOURCE"] = Artifacts.Packages,
            ["INPUT_PATHS"] = "deploy",
            ["INPUT_FAIL_ON"] = "error",
            ["INPUT_SARIF_FILE"] = "results/handoff.sarif",
            ["INPUT_ARGS"] = "--ignore HO205",
        };
        File.ReadAllText(Path.Combine(CliRunner.Root, "action.yml")).ShouldContain("\"$GITHUB_ACTION_PATH/eng/action/check.sh\"");

        var install = Artifacts.Run("bash", workspace, env, TimeSpan.FromMinutes(3), Path.Combine(CliRunner.Root, "eng", "action", "install.sh"));
        install.ExitCode.ShouldBe(0, install.Stdout + install.Stderr);
        // The runner puts what a step appended to GITHUB_PATH in front of PATH for the next steps.
        env["PATH"] = string.Join(':', File.ReadAllLines(githubPath).Where(l => l.Length > 0).Append(Environment.GetEnvironmentVariable("PATH")));
        Directory.CreateDirectory(Path.Combine(workspace, "results"));
        var check = Artifacts.Run("bash", workspace, env, TimeSpan.FromMinutes(1), Path.Combine(CliRunner.Root, "eng", "action", "check.sh"));

        check.ExitCode.ShouldBe(1, check.Stdout + check.Stderr);
        check.Stdout.ShouldContain("HO101");
        var outputs = File.ReadAllLines(output);
        outputs.ShouldContain($"version={Artifacts.Version}");
        outputs.ShouldContain("sarif-file=results/handoff.sarif");
        outputs.ShouldContain("exit-code=1");
        using var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace, "results", "handoff.sarif")));
        sarif.RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");
        var results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        var rules = results.Select(r => r.GetProperty("ruleId").GetString()).ToList();
        rules.ShouldContain("HO101");
        rules.ShouldNotContain("HO205");
        var uris = results.Select(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()).ToList();
        uris.ShouldContain("deploy/naive.yaml");
        uris.ShouldAllBe(u => u != null && !u.StartsWith('/'), "SARIF locations must be relative to the workspace for code scanning");
    }
}
