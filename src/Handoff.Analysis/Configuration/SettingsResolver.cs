using System.Globalization;
using Handoff.Analysis.Input;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Configuration;

/// <summary>What was given on the command line (null or empty: not given).</summary>
public sealed record CommandLineSettings
{
    /// <summary>--profile.</summary>
    public string? Profile { get; init; }

    /// <summary>--k8s-version.</summary>
    public string? Version { get; init; }

    /// <summary>--propagation.</summary>
    public string? Propagation { get; init; }

    /// <summary>--drain.</summary>
    public string? Drain { get; init; }

    /// <summary>--ignore.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary>--exclude.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
}

/// <summary>One effective setting and where it came from, as 'handoff config show' prints it.</summary>
/// <param name="Key">The setting.</param>
/// <param name="Value">Its value as text.</param>
/// <param name="Origin">"--propagation", ".handoff.yaml:4:14", "inferred per workload", "default".</param>
public sealed record EffectiveSetting(string Key, string Value, string Origin);

/// <summary>The settings of one run: command line, then the configuration file, then what Handoff infers, then defaults.</summary>
/// <param name="Options">The analysis options.</param>
/// <param name="Exclude">Path globs to skip when reading folders.</param>
/// <param name="Settings">Every setting with its origin.</param>
/// <param name="Errors">Problems in the command-line values or the file; the run must stop with exit 2 when there are any.</param>
public sealed record ResolvedSettings(AnalysisOptions Options, IReadOnlyList<string> Exclude, IReadOnlyList<EffectiveSetting> Settings, IReadOnlyList<InputError> Errors);

/// <summary>Merges the command line and a .handoff.yaml into the options of a run (precedence: command line &gt; file &gt; inferred &gt; defaults).</summary>
public static class SettingsResolver
{
    /// <summary>Resolves the settings; <paramref name="file"/> is the parsed .handoff.yaml or null.</summary>
    public static ResolvedSettings Resolve(CommandLineSettings cli, HandoffConfig? file, ProfileCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(cli);
        var errors = new List<InputError>();
        var settings = new List<EffectiveSetting>();
        catalog ??= ProfileCatalog.BuiltIn;
        if (file is { Profiles.Count: > 0 })
        {
            var clash = file.Profiles.FirstOrDefault(p => catalog.Find(p.Id) is not null);
            if (clash is not null)
            {
                errors.Add(new InputError(file.File, null, null, $"Custom profile '{clash.Id}' has the id of a built-in profile; give it another id."));
            }
            else
            {
                catalog = catalog.With(file.Profiles);
            }
        }

        // Profile.
        var profile = cli.Profile is not null ? new Setting<string>(cli.Profile, ValueOrigin.FromCommandLine("--profile")) : file?.Profile;
        if (profile is not null && catalog.Find(profile.Value) is null)
        {
            errors.Add(Error(profile.Origin.Text, $"Unknown profile '{profile.Value}'. Known profiles: {catalog.Ids}."));
            profile = null;
        }

        settings.Add(profile is not null ? new("profile", profile.Value, profile.Origin.Text) : new("profile", $"inferred per workload, else {catalog.Default.Id}", "default"));

        // Kubernetes version.
        Setting<KubernetesVersion>? version = file?.Version;
        if (cli.Version is not null)
        {
            version = KubernetesVersion.TryParse(cli.Version, out var parsed) ? new(parsed, ValueOrigin.FromCommandLine("--k8s-version")) : null;
            if (version is null)
            {
                errors.Add(Error("--k8s-version", $"--k8s-version '{cli.Version}' is not a version like 1.32."));
            }
        }

        settings.Add(new("kubernetesVersion", (version?.Value ?? KubernetesVersion.Default).ToString(), version?.Origin.Text ?? "default"));

        // Propagation.
        var timing = TimingSettings.None;
        if (cli.Propagation is not null)
        {
            if (Latency.TryParse(cli.Propagation, out var latency))
            {
                timing = timing with { Propagation = new(latency, ValueOrigin.FromCommandLine("--propagation", cli.Propagation)) };
            }
            else
            {
                errors.Add(Error("--propagation", $"--propagation '{cli.Propagation}' is not a duration like '25s' or a range like '5s..25s'."));
            }
        }
        else if (file is not null)
        {
            timing = timing with { Propagation = file.Propagation, PropagationRules = file.PropagationRules };
        }

        settings.Add(timing.Propagation is { } p ? new("propagation", Describe(p.Value), p.Origin.Text) : new("propagation", "the profile's planes", "default"));
        settings.AddRange(timing.PropagationRules.Select(r => new EffectiveSetting(
            r.Workload is not null ? $"propagation.workloads.{r.Workload}" : $"propagation.namespaces.{r.Namespace}", Describe(r.Latency), r.Origin.Text)));

        // Drain and buffer.
        if (cli.Drain is not null)
        {
            if (Durations.ParseSeconds(cli.Drain) is { } drain)
            {
                timing = timing with { Drain = new(drain, ValueOrigin.FromCommandLine("--drain", cli.Drain)), DrainOverridesAnnotations = true };
            }
            else
            {
                errors.Add(Error("--drain", $"--drain '{cli.Drain}' is not a duration like '30s'."));
            }
        }
        else if (file?.Drain is { } fileDrain)
        {
            timing = timing with { Drain = fileDrain };
        }

        settings.Add(timing.Drain is { } d
            ? new("drain", Seconds(d.Value), d.Origin.Text + (timing.DrainOverridesAnnotations ? string.Empty : " (a workload's handoff.dev/drain-seconds wins)"))
            : new("drain", $"{Seconds(TimeBudget.DefaultDrainSeconds)} unless a workload declares handoff.dev/drain-seconds", "default"));
        if (file?.Buffer is { } buffer)
        {
            timing = timing with { Buffer = buffer };
        }

        settings.Add(new("buffer", Seconds(timing.Buffer?.Value ?? TimeBudget.DefaultBufferSeconds), timing.Buffer?.Origin.Text ?? "default"));

        // Lists: the command line adds to the file.
        var ignore = (file?.Ignore ?? []).Concat(cli.Ignore.Select(i => new Setting<string>(i, ValueOrigin.FromCommandLine("--ignore")))).ToList();
        var exclude = (file?.Exclude ?? []).Concat(cli.Exclude.Select(e => new Setting<string>(e, ValueOrigin.FromCommandLine("--exclude")))).ToList();
        settings.AddRange(ignore.Select(i => new EffectiveSetting("ignore", i.Value, i.Origin.Text)));
        settings.AddRange(exclude.Select(e => new EffectiveSetting("exclude", e.Value, e.Origin.Text)));
        foreach (var custom in file?.Profiles ?? [])
        {
            settings.Add(new("profiles", $"{custom.Id}: {string.Join(", ", custom.Planes.Select(pl => $"{pl.Name} {pl.Latency}"))}", custom.Origin));
        }

        var options = new AnalysisOptions
        {
            Profile = profile?.Value,
            Profiles = catalog,
            Version = version?.Value ?? KubernetesVersion.Default,
            Ignore = ignore.Select(i => i.Value).ToList(),
            Timing = timing,
        };
        return new ResolvedSettings(options, exclude.Select(e => e.Value).ToList(), settings, errors);
    }

    private static string Describe(Latency latency) => latency.IsRange
        ? string.Create(CultureInfo.InvariantCulture, $"up to {latency.MaxSeconds:0.###} s ({latency})")
        : latency.ToString();

    private static string Seconds(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.###} s");

    // An origin "file:line:column" becomes the error's position; an option name stays as the file part.
    private static InputError Error(string origin, string message)
    {
        var parts = origin.Split(':');
        return parts.Length >= 3
            && int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var column)
            ? new InputError(string.Join(':', parts[..^2]), line, column, message)
            : new InputError(origin, null, null, message);
    }
}

/// <summary>The JSON schema of .handoff.yaml, for editors ('handoff config schema', docs/handoff.schema.json).</summary>
public static class ConfigSchema
{
    private const string ResourceName = "Handoff.Analysis.Configuration.handoff.schema.json";

    /// <summary>The schema's text.</summary>
    public static string Text { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ConfigSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Handoff.Analysis.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
