using System.Text.RegularExpressions;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Configuration;

/// <summary>A value and where it came from ("--propagation 25s", ".handoff.yaml:4:14", "annotation handoff.dev/drain-seconds").</summary>
/// <param name="Value">The value.</param>
/// <param name="Origin">Where it was set, for 'config show' and reports.</param>
public sealed record Setting<T>(T Value, ValueOrigin Origin);

/// <summary>A propagation for the workloads of a namespace, or whose name matches a glob ("api-*").</summary>
/// <param name="Namespace">The namespace (a glob), or null for any.</param>
/// <param name="Workload">The workload name (a glob), or null for any.</param>
/// <param name="Latency">The propagation.</param>
/// <param name="Origin">Where it was set.</param>
public sealed record PropagationRule(string? Namespace, string? Workload, Latency Latency, ValueOrigin Origin)
{
    /// <summary>Whether the rule applies to <paramref name="workload"/>.</summary>
    public bool Matches(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return (Namespace is null || Glob.Matches(Namespace, workload.Object.Namespace))
            && (Workload is null || Glob.Matches(Workload, workload.Name));
    }
}

/// <summary>
/// The timing numbers a user gives instead of the profile's and the defaults (command line, then .handoff.yaml): the
/// propagation P of the slowest data plane, the app's drain time D and the buffer B.
/// </summary>
public sealed record TimingSettings
{
    /// <summary>No numbers given: profiles and defaults decide.</summary>
    public static TimingSettings None { get; } = new();

    /// <summary>The propagation for every workload no rule names. Defaults to none (the profile's planes).</summary>
    public Setting<Latency>? Propagation { get; init; }

    /// <summary>Propagations per workload-name glob and per namespace; a workload rule beats a namespace rule, the first match wins.</summary>
    public IReadOnlyList<PropagationRule> PropagationRules { get; init; } = [];

    /// <summary>The app's drain time D. Defaults to none (the workload's annotation, else 20 s).</summary>
    public Setting<double>? Drain { get; init; }

    /// <summary>Whether <see cref="Drain"/> beats a workload's own handoff.dev/drain-seconds (true for --drain, false for the file).</summary>
    public bool DrainOverridesAnnotations { get; init; }

    /// <summary>The safety buffer B. Defaults to none (10 s).</summary>
    public Setting<double>? Buffer { get; init; }

    /// <summary>The propagation the user gave for <paramref name="workload"/>, or null when the profile decides.</summary>
    public Setting<Latency>? PropagationFor(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var rule = PropagationRules.FirstOrDefault(r => r.Workload is not null && r.Matches(workload))
            ?? PropagationRules.FirstOrDefault(r => r.Workload is null && r.Matches(workload));
        return rule is not null ? new Setting<Latency>(rule.Latency, rule.Origin) : Propagation;
    }
}

/// <summary>Shell-style globs for names and paths: '*' any run of characters, '?' one character.</summary>
public static class Glob
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> (ordinal, whole text).</summary>
    public static bool Matches(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(text, regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
