using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Handoff.Rollout.Lab;

/// <summary>A real HAProxy, started with the lab's own configuration and changed only through its runtime API.</summary>
/// <remarks>
/// Configured like a cloud load balancer: no retries, no redispatch, no health checks (the lab's propagation
/// delay plays the control plane), keep-alive to the backends. Servers are added with 'add server' and taken
/// out with 'set server ... state maint' on the admin socket; the process is never reloaded. In HTTP mode every
/// response, including HAProxy's own 503s, carries 'X-Backend: &lt;server name&gt;' ('&lt;NOSRV&gt;' when no server
/// was chosen); in TCP mode only the app's own X-Backend names the pod, and a connection with no server is closed.
/// Runtime API: https://docs.haproxy.org/2.6/management.html#9.3
/// </remarks>
internal sealed class HaProxyLoadBalancer : IAsyncDisposable
{
    /// <summary>The backend that holds one server per ready pod.</summary>
    public const string Backend = "pods";

    /// <summary>The server name HAProxy reports when no server was available.</summary>
    public const string NoServer = "<NOSRV>";

    private readonly string _socketPath;
    private readonly ChildProcess _process;
    private readonly bool _h2;

    private HaProxyLoadBalancer(string socketPath, ChildProcess process, int port, bool h2, LoadBalancerMode mode)
    {
        _socketPath = socketPath;
        _process = process;
        Port = port;
        _h2 = h2;
        Mode = mode;
    }

    /// <summary>Whether HAProxy balances requests (HTTP mode) or connections (TCP mode).</summary>
    public LoadBalancerMode Mode { get; }

    /// <summary>The frontend port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The HAProxy process id.</summary>
    public int Pid => _process.Pid;

    /// <summary>Completes if HAProxy exits.</summary>
    public Task Exited => _process.Exited;

    /// <summary>Writes the configuration into <paramref name="workDirectory"/>, starts HAProxy and waits for its socket.</summary>
    /// <exception cref="LabException">HAProxy is missing or does not start.</exception>
    /// <param name="executable">HAProxy's executable.</param>
    /// <param name="workDirectory">Where its configuration, socket and log go.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="traffic">What it carries: WebSockets and event streams are HTTP/1.1 like requests; gRPC is h2c on both sides.</param>
    /// <param name="mode">HTTP mode (balances requests) or TCP mode (balances connections, passes bytes).</param>
    public static async Task<HaProxyLoadBalancer> StartAsync(string executable, string workDirectory, CancellationToken cancellationToken, Load.TrafficKind traffic = Load.TrafficKind.Http, LoadBalancerMode mode = LoadBalancerMode.Http)
    {
        var port = FreePort.Next();
        var socketPath = Path.Combine(workDirectory, "admin.sock");
        var config = Path.Combine(workDirectory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, Configuration(port, socketPath, traffic, mode), cancellationToken);

        ChildProcess process;
        try
        {
            process = ChildProcess.Start([Resolve(executable), "-f", config, "-db"], [], Path.Combine(workDirectory, "haproxy.log"));
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new LabException($"Cannot start HAProxy '{executable}': {ex.Message}. Install it with eng/install-prereqs.sh (Debian package 'haproxy').", ex);
        }

        var lb = new HaProxyLoadBalancer(socketPath, process, port, mode == LoadBalancerMode.Http && Load.TrafficKinds.IsGrpc(traffic), mode);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (process.HasExited)
                {
                    var log = await File.ReadAllTextAsync(Path.Combine(workDirectory, "haproxy.log"), cancellationToken);
                    throw new LabException($"HAProxy exited at start (code {process.ExitCode}): {log.Trim()}");
                }

                if (File.Exists(socketPath) && await FreePort.IsListeningAsync(port, cancellationToken))
                {
                    await lb.CommandAsync("show info", cancellationToken);
                    return lb;
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new LabException("HAProxy did not open its admin socket and port within 10 s.");
                }

                await Task.Delay(50, cancellationToken);
            }
        }
        catch
        {
            await lb.DisposeAsync();
            throw;
        }
    }

    // The Debian package's path, else the first 'haproxy' on PATH.
    private static string Resolve(string executable)
    {
        if (File.Exists(executable))
        {
            return executable;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Path.GetFileName(executable)))
            .FirstOrDefault(File.Exists);
        return onPath ?? executable;
    }

    /// <summary>The configuration the lab runs.</summary>
    /// <remarks>
    /// <para>Long-lived traffic adds what a real load balancer in front of WebSockets and gRPC needs and nothing else:
    /// 'timeout tunnel' (once a WebSocket is upgraded, or in TCP mode once a connection is established, it replaces the
    /// client and server timeouts, so an idle but open socket is not cut at 30 s), and in HTTP mode for gRPC HTTP/2
    /// without TLS on both sides ('proto h2' on the bind: clients speak h2c with prior knowledge; 'proto h2' on each
    /// server).</para>
    /// <para>A server in maintenance keeps its established tunnels, streams and connections ('set server ... state maint'
    /// never kills sessions; no 'on-marked-down shutdown-sessions', which only applies to health checks, and the lab has
    /// none): they end when the pod ends them, as behind kube-proxy, where removing an endpoint leaves established
    /// connections alone.</para>
    /// <para>In HTTP mode HAProxy keeps the two sides of an h2 connection apart: a pod's GOAWAY stops new streams to that
    /// pod's connection and is not passed to the clients, who see each stream's own end, and HAProxy 2.6 passes a pod's
    /// RST_STREAM(NO_ERROR) after a stream's trailers on as CANCEL (haproxy/haproxy#1219), which .NET's client reads as a
    /// reset that drops the trailers. In TCP mode the client speaks HTTP/2 with the pod itself: it sees the pod's GOAWAY
    /// and RST_STREAM(NO_ERROR) as the pod sent them.</para>
    /// https://docs.haproxy.org/2.6/configuration.html#4-timeout%20tunnel
    /// </remarks>
    internal static string Configuration(int port, string socketPath, Load.TrafficKind traffic = Load.TrafficKind.Http, LoadBalancerMode mode = LoadBalancerMode.Http)
    {
        var tunnel = traffic == Load.TrafficKind.Http ? string.Empty : "  timeout tunnel 1h\n";
        return mode == LoadBalancerMode.Tcp
            ? TcpConfiguration(port, socketPath, tunnel)
            : HttpConfiguration(port, socketPath, tunnel, Load.TrafficKinds.IsGrpc(traffic) ? " proto h2" : string.Empty);
    }

    private static string HttpConfiguration(int port, string socketPath, string tunnel, string bindProto) => string.Create(CultureInfo.InvariantCulture, $"""
        # Written by 'handoff lab'. Changed at run time through the admin socket only, never reloaded.
        global
          stats socket {socketPath} mode 600 level admin
          maxconn 4096
          nbthread 1

        defaults
          mode http
          timeout connect 2s
          timeout client 30s
          timeout server 30s
          timeout http-keep-alive 60s
        {tunnel}  # Like a cloud load balancer: a request that fails on its server is not tried elsewhere.
          retries 0
          no option redispatch
          option http-keep-alive

        frontend lab
          bind 127.0.0.1:{port}{bindProto}
          default_backend {Backend}

        backend {Backend}
          # roundrobin is a dynamic algorithm, which 'add server' requires.
          balance roundrobin
          http-reuse safe
          # Also on HAProxy's own error responses, so a failed request names the pod it was sent to.
          http-after-response set-header X-Backend %s

        """);

    private static string TcpConfiguration(int port, string socketPath, string tunnel) => string.Create(CultureInfo.InvariantCulture, $"""
        # Written by 'handoff lab' (--lb haproxy-tcp). Changed at run time through the admin socket only, never reloaded.
        global
          stats socket {socketPath} mode 600 level admin
          maxconn 4096
          nbthread 1

        defaults
          mode tcp
          timeout connect 2s
          timeout client 30s
          timeout server 30s
        {tunnel}  # Like kube-proxy or a network load balancer: a connection is balanced once, when it opens, and never moved.
          retries 0
          no option redispatch

        frontend lab
          bind 127.0.0.1:{port}
          default_backend {Backend}

        backend {Backend}
          # roundrobin is a dynamic algorithm, which 'add server' requires.
          balance roundrobin

        """);

    /// <summary>Adds a ready pod as a server and enables it.</summary>
    public async Task AddServerAsync(string name, int port, CancellationToken cancellationToken)
    {
        var added = await CommandAsync($"add server {Backend}/{name} 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{(_h2 ? " proto h2" : string.Empty)}", cancellationToken);
        if (!added.Contains("New server registered", StringComparison.Ordinal))
        {
            throw new LabException($"HAProxy refused to add server '{name}': {added.Trim()}");
        }

        await CommandAsync($"enable server {Backend}/{name}", cancellationToken);
    }

    /// <summary>Stops sending new requests to a server (in-flight requests continue).</summary>
    public Task SetMaintenanceAsync(string name, CancellationToken cancellationToken) =>
        CommandAsync($"set server {Backend}/{name} state maint", cancellationToken);

    /// <summary>Deletes a server in maintenance; false while it still holds connections.</summary>
    public async Task<bool> DeleteServerAsync(string name, CancellationToken cancellationToken) =>
        (await CommandAsync($"del server {Backend}/{name}", cancellationToken)).Contains("Server deleted", StringComparison.Ordinal);

    /// <summary>Sends one command on the admin socket and returns HAProxy's answer.</summary>
    public async Task<string> CommandAsync(string command, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), timeout.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, timeout.Token);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    /// <summary>Stops HAProxy (SIGTERM, then SIGKILL).</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(3));
        await _process.DisposeAsync();
    }
}
