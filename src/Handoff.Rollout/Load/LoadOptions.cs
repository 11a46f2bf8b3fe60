namespace Handoff.Rollout.Load;

/// <summary>How the load generator paces requests.</summary>
public enum LoadMode
{
    /// <summary>Requests start on a fixed schedule at the target rate, whether or not earlier ones finished.</summary>
    OpenLoop,

    /// <summary>Each connection sends its next request when the previous one finished (a top-rate test).</summary>
    ClosedLoop,
}

/// <summary>Default values of <see cref="LoadOptions"/>.</summary>
public static class LoadDefaults
{
    /// <summary>Requests per second in open-loop mode.</summary>
    public const int RequestsPerSecond = 1000;

    /// <summary>Keep-alive connections in the pool.</summary>
    public const int Connections = 64;

    /// <summary>Per-request timeout.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Length of a run.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
}

/// <summary>What the load generator sends, how fast and for how long.</summary>
public sealed record LoadOptions
{
    /// <summary>The URL every request goes to.</summary>
    public required Uri Target { get; init; }

    /// <summary>Pacing.</summary>
    /// <remarks>Defaults to <see cref="LoadMode.OpenLoop"/>.</remarks>
    public LoadMode Mode { get; init; } = LoadMode.OpenLoop;

    /// <summary>Target rate in open-loop mode (ignored in closed-loop mode).</summary>
    /// <remarks>Defaults to 1,000 requests per second.</remarks>
    public int RequestsPerSecond { get; init; } = LoadDefaults.RequestsPerSecond;

    /// <summary>Size of the keep-alive connection pool (closed-loop: number of concurrent senders).</summary>
    /// <remarks>Defaults to 64.</remarks>
    public int Connections { get; init; } = LoadDefaults.Connections;

    /// <summary>How long requests are started for; in-flight requests are then awaited (bounded by <see cref="Timeout"/>).</summary>
    /// <remarks>Defaults to 30 seconds.</remarks>
    public TimeSpan Duration { get; init; } = LoadDefaults.Duration;

    /// <summary>A request with no complete response after this long counts as <see cref="RequestOutcome.Timeout"/>.</summary>
    /// <remarks>Defaults to 5 seconds.</remarks>
    public TimeSpan Timeout { get; init; } = LoadDefaults.Timeout;

    /// <summary>The response header that names the backend which answered.</summary>
    /// <remarks>Defaults to "X-Backend".</remarks>
    public string BackendHeader { get; init; } = "X-Backend";

    /// <summary>Accept any server certificate on an https:// target (a self-signed test endpoint). Defaults to false.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Whether the generator can load <paramref name="target"/>: an absolute http:// or https:// URL.</summary>
    public static bool IsSupportedTarget(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.IsAbsoluteUri && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps);
    }

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IsSupportedTarget(Target))
        {
            errors.Add($"The target '{Target}' must be an absolute http:// or https:// URL.");
        }

        if (Mode == LoadMode.OpenLoop && RequestsPerSecond is < 1 or > 200_000)
        {
            errors.Add($"The rate must be between 1 and 200000 requests per second; got {RequestsPerSecond}.");
        }

        if (Connections is < 1 or > 10_000)
        {
            errors.Add($"The connection pool must hold between 1 and 10000 connections; got {Connections}.");
        }

        if (Duration <= TimeSpan.Zero)
        {
            errors.Add("The duration must be positive.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("The request timeout must be positive.");
        }

        return errors;
    }
}
