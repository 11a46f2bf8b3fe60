using System.Globalization;
using Handoff.Rollout.Lab;

namespace Handoff.Rollout.Runs;

/// <summary>Checks the options 'lab' and 'verify' share (--rps, --connections, durations, --report), collecting every problem.</summary>
/// <remarks>
/// One validator for both commands, so an option means the same and is refused the same way in each. Nothing
/// throws: every check adds its sentence (naming the option and the value given) and the caller reports them all
/// at once and stops, as Kestrel and Polly validate their options.
/// </remarks>
public sealed class RunOptionsValidator
{
    /// <summary>The highest --rps either command sends.</summary>
    public const int MaxRequestsPerSecond = 100_000;

    /// <summary>The most keep-alive connections either command opens.</summary>
    public const int MaxConnections = 4096;

    private readonly List<string> _errors = [];

    /// <summary>Every problem found so far, in the order the checks ran.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Adds a problem found elsewhere (a manifest error, a missing kubectl), so the caller reports one list.</summary>
    public void Add(string error) => _errors.Add(error);

    /// <summary>Checks --rps: 1 to 100000 requests per second.</summary>
    public void RequestsPerSecond(int value)
    {
        if (value is < 1 or > MaxRequestsPerSecond)
        {
            _errors.Add(string.Create(CultureInfo.InvariantCulture, $"--rps must be between 1 and {MaxRequestsPerSecond}; got {value}."));
        }
    }

    /// <summary>Checks --connections: 1 to 4096.</summary>
    public void Connections(int value)
    {
        if (value is < 1 or > MaxConnections)
        {
            _errors.Add(string.Create(CultureInfo.InvariantCulture, $"--connections must be between 1 and {MaxConnections}; got {value}."));
        }
    }

    /// <summary>Parses a duration option ("500ms", "2s", "1.5s", "1m"); on failure adds a problem naming <paramref name="example"/>.</summary>
    /// <returns>The duration, or null when <paramref name="text"/> is not one.</returns>
    public TimeSpan? Duration(string option, string? text, string example)
    {
        if (LabDuration.TryParse(text, out var value))
        {
            return value;
        }

        _errors.Add($"{option} '{text}' is not a duration like {example}.");
        return null;
    }

    /// <summary>Checks that a duration lies within [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="range"/> says so in the message ("2s and 1h").</summary>
    public void Within(string option, TimeSpan value, TimeSpan min, TimeSpan max, string range)
    {
        if (value < min || value > max)
        {
            _errors.Add($"{option} must be between {range}; got {LabDuration.Format(value)}.");
        }
    }

    /// <summary>Checks --report: a folder that exists or can be created, not a file.</summary>
    public void ReportDirectory(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            _errors.Add($"--report '{path}' is a file; give a folder for report.html, report.json and report.txt.");
        }
    }
}
