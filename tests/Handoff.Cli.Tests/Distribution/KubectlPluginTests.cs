namespace Handoff.Cli.Tests.Distribution;

/// <summary>The real kubectl client finds kubectl-handoff on PATH and runs it as 'kubectl handoff' (no API server needed).</summary>
public sealed class KubectlPluginTests : IDisposable
{
    private readonly string _pluginDir = Artifacts.TempDirectory("kubectl-plugin");

    public void Dispose() => Directory.Delete(_pluginDir, recursive: true);

    private CliRun Kubectl(params string[] args)
    {
        Artifacts.Require();
        File.Exists("/usr/bin/kubectl").ShouldBeTrue("kubectl is not installed (eng/install-prereqs.sh installs Debian's 'kubectl')");
        var plugin = Path.Combine(_pluginDir, "kubectl-handoff");
        if (!File.Exists(plugin))
        {
            File.CreateSymbolicLink(plugin, Artifacts.KubectlPlugin);
        }

        var env = new Dictionary<string, string?>
        {
            ["PATH"] = $"{_pluginDir}:/usr/bin:/bin",
            ["KUBECONFIG"] = Path.Combine(_pluginDir, "no-kubeconfig"),
            ["NO_COLOR"] = "1",
        };
        return Artifacts.Run("/usr/bin/kubectl", CliRunner.Root, env, TimeSpan.FromSeconds(30), args);
    }

    [ArtifactFact]
    public void KubectlHandoffRules_ThroughKubectl_ListsTheRules()
    {
        var run = Kubectl("handoff", "rules");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("HO101");
        run.Stdout.ShouldContain("prestop-missing");
    }

    [ArtifactFact]
    public void KubectlHandoffCheck_ThroughKubectl_ReportsFindingsWithTheirExitCode()
    {
        var run = Kubectl("handoff", "check", "samples/deploy/naive.yaml");

        run.ExitCode.ShouldBe(1, run.Stderr);
        run.Stdout.ShouldContain("HO101");
        run.Stdout.ShouldContain("samples/deploy/naive.yaml:");
    }

    [ArtifactFact]
    public void KubectlHandoffHelp_ThroughKubectl_SaysKubectlHandoffInUsage()
    {
        var root = Kubectl("handoff", "--help");
        var check = Kubectl("handoff", "check", "--help");

        root.ExitCode.ShouldBe(0, root.Stderr);
        root.Stdout.ShouldContain("  kubectl handoff [command] [options]");
        root.Stdout.ShouldNotContain("kubectl-handoff");
        check.Stdout.ShouldContain("  kubectl handoff check <paths>... [options]");
    }

    [ArtifactFact]
    public void KubectlPluginList_SeesTheHandoffPlugin()
    {
        var run = Kubectl("plugin", "list");

        (run.Stdout + run.Stderr).ShouldContain(Path.Combine(_pluginDir, "kubectl-handoff"));
    }
}
