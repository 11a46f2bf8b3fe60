using System.Diagnostics;

namespace Handoff.Cli.Tests;

/// <summary>'handoff policy' as a user runs it: the real CLI process, its output fed to the real kubectl client.</summary>
public sealed class PolicyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Policy_Default_PrintsPoliciesBindingsAndParametersThatKubectlKustomizeAccepts()
    {
        var run = await CliRunner.RunAsync(["policy"]);

        run.ExitCode.ShouldBe(0, run.Stderr);
        File.WriteAllText(Path.Combine(_dir, "handoff-policy.yaml"), run.Stdout);
        File.WriteAllText(Path.Combine(_dir, "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - handoff-policy.yaml\n");

        var (code, output, errors) = Kubectl("kustomize", _dir);

        code.ShouldBe(0, errors);
        foreach (var severity in new[] { "error", "warning", "info" })
        {
            output.ShouldContain($"name: handoff-{severity}");
        }

        CountOf(output, "kind: ValidatingAdmissionPolicy\n").ShouldBe(3);
        CountOf(output, "kind: ValidatingAdmissionPolicyBinding\n").ShouldBe(3);
        output.ShouldContain("kind: ConfigMap");
        output.ShouldContain("propagationSeconds: \"10\"");
    }

    [Fact]
    public async Task Policy_IsDeterministic_AndMapsSeveritiesToActions()
    {
        var first = await CliRunner.RunAsync(["policy", "--profile", "gke-neg"]);
        var second = await CliRunner.RunAsync(["policy", "--profile", "gke-neg"]);

        first.ExitCode.ShouldBe(0, first.Stderr);
        second.Stdout.ShouldBe(first.Stdout);
        first.Stdout.ShouldContain("profile: gke-neg");
        first.Stdout.ShouldContain("policyName: handoff-error\n  validationActions:\n  - Deny");
        first.Stdout.ShouldContain("policyName: handoff-warning\n  validationActions:\n  - Warn");
        first.Stdout.ShouldContain("policyName: handoff-info\n  validationActions:\n  - Audit");
    }

    [Fact]
    public async Task Policy_ActionAndNamespaceSelector_AreWrittenIntoEveryBinding()
    {
        var run = await CliRunner.RunAsync(["policy", "--action", "audit", "--namespace-selector", "env=prod,team in (payments, search),!legacy"]);

        run.ExitCode.ShouldBe(0, run.Stderr);
        CountOf(run.Stdout, "validationActions:\n  - Audit").ShouldBe(3);
        run.Stdout.ShouldNotContain("- Deny");
        CountOf(run.Stdout, "namespaceSelector:\n      matchLabels:\n        env: prod\n      matchExpressions:\n      - key: team\n        operator: In\n        values:\n        - payments\n        - search\n      - key: legacy\n        operator: DoesNotExist\n").ShouldBe(3);
    }

    [Theory]
    [InlineData("1.34", "admissionregistration.k8s.io/v1beta1")]
    [InlineData("1.36", "admissionregistration.k8s.io/v1")]
    public async Task Policy_Mutate_AddsAMutatingPolicyAndBindingThatKubectlKustomizeAccepts(string version, string apiVersion)
    {
        var run = await CliRunner.RunAsync(["policy", "--mutate", "--k8s-version", version, "--profile", "kube-proxy-medium"]);

        run.ExitCode.ShouldBe(0, run.Stderr);
        File.WriteAllText(Path.Combine(_dir, "handoff-policy.yaml"), run.Stdout);
        File.WriteAllText(Path.Combine(_dir, "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - handoff-policy.yaml\n");

        var (code, output, errors) = Kubectl("kustomize", _dir);

        code.ShouldBe(0, errors);
        output.ShouldContain($"apiVersion: {apiVersion}\nkind: MutatingAdmissionPolicy\n");
        output.ShouldContain($"apiVersion: {apiVersion}\nkind: MutatingAdmissionPolicyBinding\n");
        CountOf(output, "kind: ValidatingAdmissionPolicy\n").ShouldBe(3);
        CountOf(output, "patchType: ApplyConfiguration").ShouldBe(2);
        output.ShouldContain("reinvocationPolicy: IfNeeded");
        run.Stdout.ShouldContain(version == "1.34" ? "off by default: enable the MutatingAdmissionPolicy feature gate" : "; GA)");
    }

    [Fact]
    public async Task Policy_WithAPropagationInTheConfig_MarksItMeasured_SoHO102IsAnErrorAsInCheck()
    {
        File.WriteAllText(Path.Combine(_dir, ".handoff.yaml"), "propagation: 25s\n");

        var fromFile = await CliRunner.RunAsync(["policy", "--config", Path.Combine(_dir, ".handoff.yaml")]);
        var fromProfile = await CliRunner.RunAsync(["policy"]);

        fromFile.ExitCode.ShouldBe(0, fromFile.Stderr);
        fromFile.Stdout.ShouldContain("propagationSeconds: \"25\"\n  propagationMeasured: \"true\"");
        fromProfile.Stdout.ShouldContain("propagationSeconds: \"10\"\n  propagationMeasured: \"false\"");
    }

    [Theory]
    [InlineData("1.33", "MutatingAdmissionPolicy, which Kubernetes 1.33 does not serve")]
    [InlineData("1.32", "pass --k8s-version 1.34 or later")]
    public async Task Policy_MutateBelow134_IsRefusedWithASentenceAndExitTwo(string version, string expected)
    {
        var run = await CliRunner.RunAsync(["policy", "--mutate", "--k8s-version", version]);

        run.ExitCode.ShouldBe(2);
        run.Stdout.ShouldBeEmpty();
        run.Stderr.ShouldContain(expected);
        run.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Policy_Help_DescribesMutate()
    {
        var run = await CliRunner.RunAsync(["policy", "--help"]);

        run.ExitCode.ShouldBe(0);
        run.Stdout.ShouldContain("--mutate");
        run.Stdout.ShouldContain("Never changes a preStop you wrote");
    }

    [Theory]
    [InlineData("--k8s-version", "1.29", "GA from Kubernetes 1.30")]
    [InlineData("--namespace-selector", "env in ()", "'env in ()' needs one or more label values")]
    [InlineData("--namespace-selector", "env=prod,=x", "'=x' is not a label requirement")]
    [InlineData("--profile", "no-such-profile", "no-such-profile")]
    [InlineData("--action", "block", "block")]
    public async Task Policy_BadOption_ExitsTwoWithASentenceAndNoOutput(string option, string value, string expected)
    {
        var run = await CliRunner.RunAsync(["policy", option, value]);

        run.ExitCode.ShouldBe(2);
        run.Stdout.ShouldBeEmpty();
        run.Stderr.ShouldContain(expected);
        run.Stderr.ShouldNotContain("   at ");
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static (int Code, string Output, string Errors) Kubectl(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start; run eng/install-prereqs.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("kubectl ran for more than 60 s");
        }

        return (process.ExitCode, output.Result, errors.Result);
    }
}
