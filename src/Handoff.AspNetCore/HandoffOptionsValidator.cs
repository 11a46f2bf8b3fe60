using System.Globalization;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore;

/// <summary>Checks <see cref="HandoffOptions"/> and reports every problem at once.</summary>
internal sealed class HandoffOptionsValidator : IValidateOptions<HandoffOptions>
{
    private const string Section = HandoffOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, HandoffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        var paths = new List<(string Key, string? Value)>
        {
            ($"{Section}:Probes:StartupPath", options.Probes.StartupPath),
            ($"{Section}:Probes:ReadinessPath", options.Probes.ReadinessPath),
            ($"{Section}:Probes:LivenessPath", options.Probes.LivenessPath),
            ($"{Section}:PreStopPath", options.PreStopPath),
        };
        foreach (var (key, value) in paths)
        {
            if (string.IsNullOrWhiteSpace(value) || value[0] != '/')
            {
                errors.Add($"'{key}' must be a path that starts with '/' (got '{value}').");
            }
        }

        foreach (var group in paths.Where(p => !string.IsNullOrWhiteSpace(p.Value))
                     .GroupBy(p => p.Value!, StringComparer.OrdinalIgnoreCase)
                     .Where(g => g.Count() > 1))
        {
            errors.Add($"'{string.Join("', '", group.Select(p => p.Key))}' must differ; all are '{group.Key}'.");
        }

        AtLeast(errors, "Probes:ReadinessCacheSeconds", options.Probes.ReadinessCacheSeconds, 0, inclusive: true);
        AtLeast(errors, "DrainTimeoutSeconds", options.DrainTimeoutSeconds, 0, inclusive: false);
        AtLeast(errors, "ShutdownTimeoutBufferSeconds", options.ShutdownTimeoutBufferSeconds, 0, inclusive: true);

        var longLived = options.LongLivedConnections;
        AtLeast(errors, "LongLivedConnections:CloseWindowSeconds", longLived.CloseWindowSeconds, 0, inclusive: false);
        AtLeast(errors, "LongLivedConnections:MaxClosesPerSecond", longLived.MaxClosesPerSecond, 0, inclusive: false, unit: "connections per second");

        var delay = options.ShutdownDelay;
        switch (delay.Mode)
        {
            case ShutdownDelayMode.None:
                break;
            case ShutdownDelayMode.Fixed:
                AtLeast(errors, "ShutdownDelay:Seconds", delay.Seconds, 0, inclusive: false);
                break;
            case ShutdownDelayMode.Adaptive:
                var floorOk = AtLeast(errors, "ShutdownDelay:FloorSeconds", delay.FloorSeconds, 0, inclusive: true);
                var ceilingOk = AtLeast(errors, "ShutdownDelay:CeilingSeconds", delay.CeilingSeconds, 0, inclusive: false);
                var quietOk = AtLeast(errors, "ShutdownDelay:QuietPeriodSeconds", delay.QuietPeriodSeconds, 0, inclusive: false);
                if (floorOk && ceilingOk && delay.FloorSeconds > delay.CeilingSeconds)
                {
                    errors.Add($"'{Section}:ShutdownDelay:FloorSeconds' ({Format(delay.FloorSeconds)} s) must not exceed " +
                               $"'{Section}:ShutdownDelay:CeilingSeconds' ({Format(delay.CeilingSeconds)} s).");
                }

                if (quietOk && ceilingOk && delay.QuietPeriodSeconds > delay.CeilingSeconds)
                {
                    errors.Add($"'{Section}:ShutdownDelay:QuietPeriodSeconds' ({Format(delay.QuietPeriodSeconds)} s) must not exceed " +
                               $"'{Section}:ShutdownDelay:CeilingSeconds' ({Format(delay.CeilingSeconds)} s).");
                }

                break;
            default:
                errors.Add($"'{Section}:ShutdownDelay:Mode' must be None, Fixed or Adaptive (got '{(int)delay.Mode}').");
                break;
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool AtLeast(List<string> errors, string key, double value, double minimum, bool inclusive, string unit = "seconds")
    {
        var ok = double.IsFinite(value) && (inclusive ? value >= minimum : value > minimum);
        if (!ok)
        {
            var relation = inclusive ? "at least" : "greater than";
            errors.Add($"'{Section}:{key}' must be a number of {unit} {relation} {Format(minimum)} (got {Format(value)}).");
        }

        return ok;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
