namespace Handoff.Sample.Api;

/// <summary>
/// The addresses to listen on when gRPC gets its own h2c port: the app's own (from <c>--urls</c>, <c>ASPNETCORE_URLS</c>
/// or <c>ASPNETCORE_HTTP_PORTS</c>), plus the gRPC port on the same host.
/// </summary>
/// <remarks>
/// Kestrel 10 serves a cleartext endpoint that allows both HTTP/1.1 and HTTP/2 as HTTP/1.1 only: without TLS there is
/// no ALPN to choose by, and it does not look for the h2c prior-knowledge preface. gRPC needs HTTP/2, so it gets an
/// endpoint of its own with <c>Protocols = Http2</c>.
/// </remarks>
internal static class H2cEndpoint
{
    private const string KestrelDefault = "http://localhost:5000";

    /// <summary>The URL list with the gRPC address appended.</summary>
    /// <param name="urls">The app's URLs setting (semicolon-separated), if any.</param>
    /// <param name="httpPorts">The app's HTTP ports setting (semicolon-separated), if any; used when there are no URLs.</param>
    /// <param name="grpcPort">The port of the h2c endpoint.</param>
    public static string WithGrpcPort(string? urls, string? httpPorts, int grpcPort)
    {
        var own = !string.IsNullOrWhiteSpace(urls) ? urls
            : !string.IsNullOrWhiteSpace(httpPorts) ? string.Join(';', httpPorts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"))
            : KestrelDefault;
        var first = own.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        return $"{own};{first[..HostEnd(first)]}:{grpcPort}";
    }

    /// <summary>Where the host of a URL such as <c>http://127.0.0.1:0</c> or <c>http://[::]:80</c> ends.</summary>
    private static int HostEnd(string url)
    {
        var hostStart = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var portColon = url.LastIndexOf(':');
        var bracket = url.LastIndexOf(']');
        return portColon > hostStart && portColon > bracket ? portColon : url.TrimEnd('/').Length;
    }
}
