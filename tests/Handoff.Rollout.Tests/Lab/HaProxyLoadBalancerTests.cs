using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

public sealed class HaProxyLoadBalancerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-haproxy-test-").FullName;

    [Fact(Timeout = 60_000)]
    public async Task RuntimeApi_AddMaintainDelete_RoutesAndNamesTheBackendWithoutReload()
    {
        await using var app = await TestApp.StartAsync("ignored-by-haproxy");
        int haProxyPid;
        await using (var lb = await HaProxyLoadBalancer.StartAsync(LabDefaults.HaProxy, _dir, CancellationToken.None))
        {
            haProxyPid = lb.Pid;
            using var http = new HttpClient();
            var front = new Uri($"http://127.0.0.1:{lb.Port}/");

            // No server yet: HAProxy answers 503 itself and names no backend.
            using (var empty = await http.GetAsync(front))
            {
                ((int)empty.StatusCode).ShouldBe(503);
                empty.Headers.GetValues("X-Backend").ShouldHaveSingleItem().ShouldBe(HaProxyLoadBalancer.NoServer);
            }

            await lb.AddServerAsync("pod-a", app.Port, CancellationToken.None);
            using (var ok = await http.GetAsync(front))
            {
                ((int)ok.StatusCode).ShouldBe(200);
                ok.Headers.GetValues("X-Backend").ShouldHaveSingleItem().ShouldBe("pod-a", "HAProxy's header replaces the app's");
            }

            // A server whose process is gone: no retry, no redispatch, the 503 names the pod it was sent to.
            await lb.AddServerAsync("pod-gone", FreePort.Next(), CancellationToken.None);
            var backends = new List<(int, string)>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await http.GetAsync(front);
                backends.Add(((int)response.StatusCode, response.Headers.GetValues("X-Backend").Single()));
            }

            backends.ShouldContain((503, "pod-gone"));
            backends.ShouldContain((200, "pod-a"));

            await lb.SetMaintenanceAsync("pod-gone", CancellationToken.None);
            for (var i = 0; i < 4; i++)
            {
                using var response = await http.GetAsync(front);
                response.Headers.GetValues("X-Backend").Single().ShouldBe("pod-a");
            }

            (await lb.DeleteServerAsync("pod-gone", CancellationToken.None)).ShouldBeTrue();
            (await lb.CommandAsync("show servers state pods", CancellationToken.None)).ShouldNotContain("pod-gone");
            (await lb.CommandAsync("show info", CancellationToken.None)).ShouldContain("Pid: " + lb.Pid);
        }

        Processes.IsAlive(haProxyPid).ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task TcpMode_BalancesConnectionsOnceAndKeepsThemOnAServerInMaintenance()
    {
        await using var podA = await TestApp.StartAsync("pod-a");
        await using var podB = await TestApp.StartAsync("pod-b");
        await using var lb = await HaProxyLoadBalancer.StartAsync(LabDefaults.HaProxy, _dir, CancellationToken.None, mode: LoadBalancerMode.Tcp);
        var front = new Uri($"http://127.0.0.1:{lb.Port}/");
        using var kept = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 });

        // No server: HAProxy has nothing to answer with in TCP mode; it closes the connection.
        await Should.ThrowAsync<HttpRequestException>(() => kept.GetAsync(front));

        // Bytes pass untouched: the name is the app's own X-Backend (HAProxy adds none in TCP mode).
        await lb.AddServerAsync("pod-a", podA.Port, CancellationToken.None);
        (await BackendAsync(kept, front)).ShouldBe("pod-a");

        // Like conntrack behind kube-proxy: the established connection stays on pod-a after it leaves the rotation;
        // only a new connection goes to pod-b.
        await lb.AddServerAsync("pod-b", podB.Port, CancellationToken.None);
        await lb.SetMaintenanceAsync("pod-a", CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            (await BackendAsync(kept, front)).ShouldBe("pod-a");
        }

        using var fresh = new HttpClient();
        (await BackendAsync(fresh, front)).ShouldBe("pod-b");
        (await lb.DeleteServerAsync("pod-a", CancellationToken.None)).ShouldBeFalse("pod-a still holds the kept connection");
    }

    private static async Task<string> BackendAsync(HttpClient http, Uri front)
    {
        using var response = await http.GetAsync(front);
        ((int)response.StatusCode).ShouldBe(200);
        return response.Headers.GetValues("X-Backend").ShouldHaveSingleItem();
    }

    [Fact]
    public void Configuration_InTcpMode_IsLikeKubeProxy()
    {
        var config = HaProxyLoadBalancer.Configuration(8080, "/tmp/x.sock", Rollout.Load.TrafficKind.Grpc, LoadBalancerMode.Tcp);

        config.ShouldContain("mode tcp");
        config.ShouldNotContain("mode http");
        config.ShouldContain("retries 0");
        config.ShouldContain("balance roundrobin");
        config.ShouldContain("timeout tunnel 1h");
        config.ShouldNotContain("proto h2", customMessage: "bytes pass: the client speaks h2c with the pod");
        config.ShouldNotContain("X-Backend");
        config.ShouldNotContain(" check");
    }

    [Fact]
    public void Configuration_IsLikeACloudLoadBalancer()
    {
        var config = HaProxyLoadBalancer.Configuration(8080, "/tmp/x.sock");

        config.ShouldContain("retries 0");
        config.ShouldContain("no option redispatch");
        config.ShouldContain("balance roundrobin");
        config.ShouldContain("http-after-response set-header X-Backend %s");
        config.ShouldContain("bind 127.0.0.1:8080");
        config.ShouldNotContain(" check");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
