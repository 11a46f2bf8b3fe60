using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>Preflight against the stand-in kubectl: every problem is found before any load, as one readable sentence.</summary>
public class LivePreflightTests
{
    [Fact]
    public async Task RunAsync_EverythingInPlace_ReadsTheDeploymentWithItsSelectorAndTiming()
    {
        using var standIn = StandInKubectl.ForFixture("clean-rollout");

        var result = await RunAsync(standIn, context: null, deployment: "web");

        result.Errors.ShouldBeEmpty();
        result.Context.ShouldBe("gke_shop_europe-west1_prod", "the kubeconfig's current context");
        result.Deployment.ShouldNotBeNull();
        result.Deployment.Selector.ShouldBe("app=web");
        result.Deployment.Replicas.ShouldBe(2);
        result.Deployment.Template.ShouldBe(new PodTemplateFacts(45, 10, "sleep action"));
        result.Deployment.Strategy.ShouldBe("RollingUpdate maxSurge 1 maxUnavailable 0");
        var canI = standIn.Calls().Where(c => c[0] == "auth").ToList();
        canI.Count.ShouldBe(LivePreflight.ReadPermissions.Count + 1);
        canI.ShouldAllBe(c => c.Contains("--context") && c.Contains("gke_shop_europe-west1_prod") && c.Contains("shop"));
    }

    [Fact]
    public async Task RunAsync_UnknownContext_NamesTheContextsThatExist()
    {
        using var standIn = StandInKubectl.ForFixture("clean-rollout");

        var result = await RunAsync(standIn, context: "prod-eu", deployment: "web");

        result.Errors.ShouldBe(["Context 'prod-eu' does not exist in the kubeconfig; it has: 'gke_shop_europe-west1_prod', 'kind-dev'."]);
        standIn.Calls().ShouldAllBe(c => c[0] == "config", "no cluster call after a bad context");
    }

    [Fact]
    public async Task RunAsync_MissingRbac_NamesEveryMissingPermissionInOneSentence()
    {
        using var standIn = StandInKubectl.ForFixture("preflight-rbac-denied");

        var result = await RunAsync(standIn, context: "kind-dev", deployment: "web");

        result.Passed.ShouldBeFalse();
        result.Errors.ShouldBe([
            "Missing RBAC permissions in namespace 'shop' (context 'kind-dev'): "
            + "watch endpointslices.discovery.k8s.io (follow ready/serving/terminating endpoints); "
            + "patch deployments.apps (kubectl rollout restart). See docs/verify.md for a Role that grants them.",
        ]);
    }

    [Fact]
    public async Task RunAsync_WatchOnlyWithoutPatchRight_Passes()
    {
        using var standIn = StandInKubectl.ForFixture("preflight-rbac-denied");

        var result = await RunAsync(standIn, context: null, deployment: "web", needsRestart: false);

        result.Errors.ShouldBe([
            "Missing RBAC permissions in namespace 'shop' (context 'gke_shop_europe-west1_prod'): "
            + "watch endpointslices.discovery.k8s.io (follow ready/serving/terminating endpoints). See docs/verify.md for a Role that grants them.",
        ]);
    }

    [Fact]
    public async Task RunAsync_ClusterUnreachable_SaysSoOnce()
    {
        using var standIn = StandInKubectl.ForFixture("preflight-unreachable");

        var result = await RunAsync(standIn, context: null, deployment: "web");

        result.Errors.ShouldHaveSingleItem().ShouldBe(
            "kubectl could not reach the cluster of context 'gke_shop_europe-west1_prod': "
            + "Unable to connect to the server: dial tcp 127.0.0.1:6443: connect: connection refused (stand-in)");
    }

    [Fact]
    public async Task RunAsync_DeploymentMissing_SaysWhereItLooked()
    {
        using var standIn = StandInKubectl.ForFixture("clean-rollout");

        var result = await RunAsync(standIn, context: null, deployment: "checkout");

        result.Errors.ShouldBe(["Deployment 'checkout' was not found in namespace 'shop' (context 'gke_shop_europe-west1_prod')."]);
    }

    private static async Task<PreflightResult> RunAsync(StandInKubectl standIn, string? context, string deployment, bool needsRestart = true)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var kubectl = Kubectl.TryCreate(new KubectlOptions { Path = standIn.ExecutablePath, Context = context, Namespace = "shop" }, out var error)
            ?? throw new InvalidOperationException(error);
        return await LivePreflight.RunAsync(kubectl, deployment, needsRestart, timeout.Token);
    }
}
