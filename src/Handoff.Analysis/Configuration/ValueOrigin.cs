using System.Globalization;

namespace Handoff.Analysis.Configuration;

/// <summary>Who stated a number or setting: the user (command line, .handoff.yaml), the workload (an annotation) or its app.</summary>
public enum OriginKind
{
    /// <summary>An option on the command line ("--drain 30s", "--profile").</summary>
    CommandLine,

    /// <summary>A key in the configuration file (".handoff.yaml:4:14").</summary>
    ConfigFile,

    /// <summary>A handoff.dev annotation on the workload ("annotation handoff.dev/drain-seconds").</summary>
    Annotation,

    /// <summary>The app's own settings in the manifest: a server's flag, an environment variable, a mounted config file.</summary>
    AppSetting,
}

/// <summary>
/// Where a value came from: its <see cref="Kind"/>, which decides what reports do with it (whether the user gave it,
/// whether it was read from the app), and the <see cref="Text"/> that reports print.
/// </summary>
/// <param name="Kind">Who stated the value.</param>
/// <param name="Text">Where, as reports print it ("--drain 30s", ".handoff.yaml:5:8", "annotation handoff.dev/drain-seconds",
/// "app setting: env Handoff__DrainTimeoutSeconds=25 of container 'api'").</param>
public sealed record ValueOrigin(OriginKind Kind, string Text)
{
    /// <summary>A command-line option, printed as the option and the value written after it ("--drain 30s"), or the option alone.</summary>
    public static ValueOrigin FromCommandLine(string option, string? value = null) =>
        new(OriginKind.CommandLine, value is null ? option : $"{option} {value}");

    /// <summary>A value in a configuration file, printed as "file:line:column".</summary>
    public static ValueOrigin FromConfigFile(string file, int line, int column) =>
        new(OriginKind.ConfigFile, string.Create(CultureInfo.InvariantCulture, $"{file}:{line}:{column}"));

    /// <summary>A workload's annotation, printed as "annotation handoff.dev/drain-seconds".</summary>
    public static ValueOrigin FromAnnotation(string annotation) => new(OriginKind.Annotation, $"annotation {annotation}");

    /// <summary>What the app's own settings in one container show, printed as "app setting: <paramref name="what"/> of container 'api'".</summary>
    public static ValueOrigin FromAppSetting(string what, string container) =>
        new(OriginKind.AppSetting, $"app setting: {what} of container '{container}'");

    /// <summary>Whether the user stated the value (on the command line or in the configuration file) rather than the manifests.</summary>
    public bool GivenByUser => Kind is OriginKind.CommandLine or OriginKind.ConfigFile;

    /// <summary>The <see cref="Text"/>, so that an origin prints as reports have always printed it.</summary>
    public override string ToString() => Text;
}
