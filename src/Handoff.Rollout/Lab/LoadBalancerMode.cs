namespace Handoff.Rollout.Lab;

/// <summary>How the lab's HAProxy balances: per request (L7) or per connection (L4).</summary>
public enum LoadBalancerMode
{
    /// <summary>
    /// HTTP mode ('--lb haproxy'), like a cloud L7 load balancer or an ingress controller: every request (every HTTP/2
    /// stream) is balanced on its own, and HAProxy's own error responses name the pod they were meant for.
    /// </summary>
    Http,

    /// <summary>
    /// TCP mode ('--lb haproxy-tcp'), like kube-proxy behind a ClusterIP Service or a network load balancer (AWS NLB,
    /// GCP passthrough): each connection is balanced once when it opens, and bytes pass untouched, so the pod's own
    /// HTTP/2 GOAWAY and RST_STREAM frames reach the client. A connection stays on its pod after the pod's endpoint is
    /// removed, as conntrack keeps an established flow.
    /// </summary>
    Tcp,
}

/// <summary>Names of the <see cref="LoadBalancerMode"/>s as '--lb' takes them.</summary>
public static class LoadBalancerModes
{
    /// <summary>The names '--lb' accepts, in display order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["haproxy", "haproxy-tcp"];

    /// <summary>The mode named <paramref name="name"/>, or null.</summary>
    public static LoadBalancerMode? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "haproxy" => LoadBalancerMode.Http,
        "haproxy-tcp" => LoadBalancerMode.Tcp,
        _ => null,
    };

    /// <summary>The mode's name as '--lb' takes it.</summary>
    public static string Name(this LoadBalancerMode mode) => Names[(int)mode];

    /// <summary>What the mode stands for, as reports print it.</summary>
    public static string Describe(this LoadBalancerMode mode) => mode switch
    {
        LoadBalancerMode.Tcp => "TCP mode (L4, per connection, like kube-proxy or a network load balancer)",
        _ => "HTTP mode (L7, per request, like a cloud HTTP load balancer or an ingress)",
    };
}
