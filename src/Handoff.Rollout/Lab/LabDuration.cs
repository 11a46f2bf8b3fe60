using System.Globalization;

namespace Handoff.Rollout.Lab;

/// <summary>Parses the durations of the lab's options: "500ms", "2s", "1.5s", "1m", or a bare number of seconds.</summary>
public static class LabDuration
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a non-negative duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var (number, unit) = s.EndsWith("ms", StringComparison.Ordinal) ? (s[..^2], 0.001)
            : s.EndsWith('s') ? (s[..^1], 1.0)
            : s.EndsWith('m') ? (s[..^1], 60.0)
            : (s, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount * unit > TimeSpan.FromDays(1).TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * unit);
        return true;
    }

    /// <summary>Formats like the options are written ("2s", "1.5s", "250ms").</summary>
    public static string Format(TimeSpan value) =>
        value < TimeSpan.FromSeconds(1) && value > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0}ms")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###}s");
}

/// <summary>How long the data plane takes to stop sending to a pod: fixed, or drawn per pod from a range.</summary>
/// <param name="Min">The shortest delay.</param>
/// <param name="Max">The longest delay (equal to <paramref name="Min"/> when fixed).</param>
public sealed record PropagationDelay(TimeSpan Min, TimeSpan Max)
{
    /// <summary>Parses "2s" or "1s..4s".</summary>
    public static bool TryParse(string? text, out PropagationDelay? delay)
    {
        delay = null;
        if (text is null)
        {
            return false;
        }

        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && LabDuration.TryParse(parts[0], out var fixedDelay))
        {
            delay = new PropagationDelay(fixedDelay, fixedDelay);
            return true;
        }

        if (parts.Length == 2 && LabDuration.TryParse(parts[0], out var min) && LabDuration.TryParse(parts[1], out var max) && min <= max)
        {
            delay = new PropagationDelay(min, max);
            return true;
        }

        return false;
    }

    /// <summary>One pod's delay: uniform in [Min, Max].</summary>
    public TimeSpan Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Min == Max ? Min : Min + ((Max - Min) * random.NextDouble());
    }

    /// <inheritdoc />
    public override string ToString() => Min == Max ? LabDuration.Format(Min) : $"{LabDuration.Format(Min)}..{LabDuration.Format(Max)}";
}
