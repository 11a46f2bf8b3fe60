using System.Globalization;
using System.Text.RegularExpressions;
using Handoff.Analysis.Configuration;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing.Providers;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Timing;

/// <summary>A number the app's own settings show, and where it was read.</summary>
/// <param name="Seconds">The number, in seconds.</param>
/// <param name="Origin">Where it was read (an <see cref="OriginKind.AppSetting"/>, or the workload's <see cref="OriginKind.Annotation"/> that overrides it).</param>
public sealed record AppSetting(double Seconds, ValueOrigin Origin)
{
    /// <summary>The environment variable that sets the number, when raising it means changing that variable; else null.</summary>
    public string? Variable { get; init; }
}

/// <summary>One way an app shows its drain time in a manifest: a server's flag, an environment variable, a config file in a ConfigMap.</summary>
/// <param name="Name">What it reads (for docs and tests).</param>
/// <param name="Read">The reader: the container, its environment and command tokens, the ConfigMap texts mounted into the pod; null when it does not apply.</param>
public sealed record DrainSource(string Name, Func<AppView, AppSetting?> Read);

/// <summary>What the drain readers see of one container.</summary>
/// <param name="Container">The container.</param>
/// <param name="Tokens">Its command and args, with shell scripts ('sh -c "..."') split into words.</param>
/// <param name="ConfigTexts">The data of every ConfigMap in the manifests that the pod mounts as a volume, by ConfigMap name.</param>
public sealed record AppView(Container Container, IReadOnlyList<string> Tokens, IReadOnlyDictionary<string, string> ConfigTexts)
{
    /// <summary>An environment variable, by name as .NET and Spring read it (case-insensitive); null when not set in the manifest.</summary>
    public string? Env(string name) => Container.Env.FirstOrDefault(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The value of a flag written '--flag=value' or '--flag value' (also as -Dflag=value), in the tokens or in <paramref name="extra"/>.</summary>
    public string? Flag(string flag, IEnumerable<string>? extra = null)
    {
        var tokens = extra is null ? Tokens : [.. Tokens, .. extra];
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i].StartsWith("-D", StringComparison.Ordinal) ? "--" + tokens[i][2..] : tokens[i];
            if (token.StartsWith(flag + "=", StringComparison.Ordinal))
            {
                return token[(flag.Length + 1)..];
            }

            if (string.Equals(token, flag, StringComparison.Ordinal) && i + 1 < tokens.Count)
            {
                return tokens[i + 1];
            }
        }

        return null;
    }

    /// <summary>Whether the container runs <paramref name="program"/> (its path, 'python -m program', or in a shell script).</summary>
    public bool Runs(string program) => Tokens.Any(t => string.Equals(Path.GetFileName(t), program, StringComparison.Ordinal))
        || (Container.Image is { } image && ImageName(image).Equals(program, StringComparison.Ordinal) && Container.Command is null);

    private static string ImageName(string image)
    {
        var name = image.Split('@')[0];
        var slash = name.LastIndexOf('/');
        name = slash >= 0 ? name[(slash + 1)..] : name;
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? name[..colon] : name;
    }
}

/// <summary>
/// Reads the drain time D an app's own settings show, so that a workload without the
/// handoff.dev annotations is checked against its real numbers instead of the 20 s default.
/// </summary>
/// <remarks>
/// Sources, first match wins: Handoff.AspNetCore's options in the environment (Handoff__DrainTimeoutSeconds), gunicorn's
/// --graceful-timeout (also in GUNICORN_CMD_ARGS; 30 s, gunicorn's default, when gunicorn runs without it), uvicorn's
/// --timeout-graceful-shutdown, Spring Boot's server.shutdown=graceful with spring.lifecycle.timeout-per-shutdown-phase
/// (environment, arguments or -D in JAVA_TOOL_OPTIONS/JAVA_OPTS; 30 s, Spring's default, when only graceful is set),
/// and nginx's worker_shutdown_timeout in a ConfigMap the pod mounts.
/// </remarks>
public static partial class AppShutdownSettings
{
    /// <summary>gunicorn's default --graceful-timeout.</summary>
    public const double GunicornDefaultGracefulSeconds = 30;

    /// <summary>Spring Boot's default spring.lifecycle.timeout-per-shutdown-phase.</summary>
    public const double SpringDefaultShutdownPhaseSeconds = 30;

    // The variables the JVM (and common images' entrypoints) read -D options from.
    private static readonly string[] JavaOptionVariables = ["JAVA_TOOL_OPTIONS", "JAVA_OPTS", "JDK_JAVA_OPTIONS"];

    private static readonly char[] WordSeparators = [' ', '\t', '\n'];

    /// <summary>The drain readers, in the order they are tried.</summary>
    public static IReadOnlyList<DrainSource> DrainSources { get; } =
    [
        new("Handoff.AspNetCore", HandoffAspNetCore),
        new("gunicorn", Gunicorn),
        new("uvicorn", Uvicorn),
        new("Spring Boot", SpringBoot),
        new("nginx", Nginx),
    ];

    /// <summary>Handoff.AspNetCore's default ShutdownDelay:Seconds (a Fixed delay).</summary>
    public const double HandoffFixedDelayDefaultSeconds = 10;

    /// <summary>Handoff.AspNetCore's default ShutdownDelay:CeilingSeconds (an Adaptive delay).</summary>
    public const double HandoffAdaptiveCeilingDefaultSeconds = 30;

    /// <summary>
    /// The in-app shutdown delay Handoff.AspNetCore's settings in <paramref name="container"/>'s environment show
    /// (Handoff__ShutdownDelay__Mode and its numbers), or null when the mode is not set or is None.
    /// </summary>
    /// <remarks>
    /// A Fixed delay is ShutdownDelay:Seconds (10 s unless set). An Adaptive delay ends once traffic has stopped, between
    /// FloorSeconds and CeilingSeconds; the ceiling is taken, as docs/library.md tells users to declare it: it is what the
    /// grace period must cover, and the delay lasts that long whenever the load balancer is still sending. Names are read
    /// case-insensitively and the mode by name or number, as .NET's configuration binder reads them.
    /// </remarks>
    public static AppSetting? InAppDelay(Container? container)
    {
        if (container is null)
        {
            return null;
        }

        var app = new AppView(container, [], new Dictionary<string, string>(StringComparer.Ordinal));
        if (app.Env("Handoff__ShutdownDelay__Mode") is not { } mode)
        {
            return null;
        }

        var (setting, fallback) = mode.Trim() switch
        {
            var m when m.Equals("Fixed", StringComparison.OrdinalIgnoreCase) || m == "1" => ("Handoff__ShutdownDelay__Seconds", HandoffFixedDelayDefaultSeconds),
            var m when m.Equals("Adaptive", StringComparison.OrdinalIgnoreCase) || m == "2" => ("Handoff__ShutdownDelay__CeilingSeconds", HandoffAdaptiveCeilingDefaultSeconds),
            _ => ((string?)null, 0d),
        };
        if (setting is null)
        {
            return null;
        }

        var written = app.Env(setting);
        return Seconds(written) is { } seconds
            ? new(seconds, Origin($"env Handoff__ShutdownDelay__Mode={mode}, {setting}={written}", container)) { Variable = setting }
            : new(fallback, Origin(string.Create(CultureInfo.InvariantCulture, $"env Handoff__ShutdownDelay__Mode={mode}, the library's default {setting[(setting.LastIndexOf('_') + 1)..]} {fallback:0.#}"), container)) { Variable = setting };
    }

    /// <summary>The drain time the settings of <paramref name="container"/> show, or null.</summary>
    public static AppSetting? Drain(Workload workload, Container? container, ClusterModel? model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (container is null)
        {
            return null;
        }

        var view = View(workload, container, model);
        return DrainSources.Select(s => s.Read(view)).FirstOrDefault(s => s is not null);
    }

    private static AppSetting? HandoffAspNetCore(AppView app) =>
        Seconds(app.Env("Handoff__DrainTimeoutSeconds")) is { } drain ? new(drain, Origin($"env Handoff__DrainTimeoutSeconds={app.Env("Handoff__DrainTimeoutSeconds")}", app.Container)) : null;

    private static AppSetting? Gunicorn(AppView app)
    {
        if (!app.Runs("gunicorn"))
        {
            return null;
        }

        var envArgs = app.Env("GUNICORN_CMD_ARGS") is { } args ? Words(args) : [];
        return app.Flag("--graceful-timeout", envArgs) is { } value && Seconds(value) is { } seconds
            ? new(seconds, Origin($"gunicorn --graceful-timeout {value}", app.Container))
            : new(GunicornDefaultGracefulSeconds, Origin("gunicorn's default --graceful-timeout 30", app.Container));
    }

    private static AppSetting? Uvicorn(AppView app) =>
        app.Runs("uvicorn") && app.Flag("--timeout-graceful-shutdown") is { } value && Seconds(value) is { } seconds
            ? new(seconds, Origin($"uvicorn --timeout-graceful-shutdown {value}", app.Container))
            : null;

    private static AppSetting? SpringBoot(AppView app)
    {
        var javaOptions = JavaOptionVariables.SelectMany(n => app.Env(n) is { } v ? Words(v) : []).ToList();
        var shutdown = app.Env("SERVER_SHUTDOWN") ?? app.Flag("--server.shutdown", javaOptions);
        if (!string.Equals(shutdown, "graceful", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var (text, where) = app.Env("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE") is { } env ? (env, "env SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE")
            : app.Flag("--spring.lifecycle.timeout-per-shutdown-phase", javaOptions) is { } flag ? (flag, "spring.lifecycle.timeout-per-shutdown-phase")
            : ((string?)null, (string?)null);
        return text is not null && Seconds(text) is { } seconds
            ? new(seconds, Origin($"Spring Boot server.shutdown=graceful, {where}={text}", app.Container))
            : new(SpringDefaultShutdownPhaseSeconds, Origin("Spring Boot server.shutdown=graceful, default timeout-per-shutdown-phase 30s", app.Container));
    }

    private static AppSetting? Nginx(AppView app)
    {
        if (!app.Runs("nginx"))
        {
            return null;
        }

        foreach (var (name, text) in app.ConfigTexts)
        {
            if (NginxShutdownTimeout().Match(text) is { Success: true } m && Seconds(m.Groups["value"].Value) is { } seconds)
            {
                return new(seconds, Origin($"nginx worker_shutdown_timeout {m.Groups["value"].Value} in ConfigMap '{name}'", app.Container));
            }
        }

        return null;
    }

    private static AppView View(Workload workload, Container container, ClusterModel? model)
    {
        var tokens = (container.Command ?? []).Concat(container.Args ?? []).SelectMany(Words).ToList();
        var mounted = (workload.Pod.SpecNode["volumes"] as YSeq)?.Items.OfType<YMap>()
            .Select(v => (v["configMap"] as YMap)?["name"] is YScalar name ? name.Value : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (model is not null && mounted.Count > 0)
        {
            foreach (var map in ProviderObjects.OfKind(model, "ConfigMap", string.Empty).Where(m => m.Namespace == workload.Object.Namespace && mounted.Contains(m.Name)))
            {
                texts[map.Name] = string.Join("\n", ((map.Node["data"] as YMap)?.Entries ?? []).Select(e => e.Value is YScalar s ? s.Value : string.Empty));
            }
        }

        return new AppView(container, tokens, texts);
    }

    // A shell script ('sh -c "exec gunicorn --graceful-timeout 25 app:app"') is read word by word.
    private static IEnumerable<string> Words(string token) => token.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\''));

    private static double? Seconds(string? text) => text is null ? null : Durations.ParseSeconds(text.TrimEnd(';'));

    private static ValueOrigin Origin(string what, Container container) => ValueOrigin.FromAppSetting(what, container.Name);

    [GeneratedRegex(@"(^|[\s;{])worker_shutdown_timeout\s+(?<value>[0-9]+[a-z]*)\s*;", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NginxShutdownTimeout();
}
