using System.Globalization;

namespace Handoff.Analysis.Kubernetes;

/// <summary>
/// Reads the durations people write in manifests, in one place: annotation values ("25", "25s", "1m30s", "500ms"),
/// the arguments of a <c>sleep</c> command ("10", "1m", "0.5", "infinity"), and command-line values ("25s").
/// </summary>
public static class Durations
{
    /// <summary>
    /// Reads a number of seconds, or a Go-style duration made of numbers with units h, m, s and ms ("1m30s").
    /// A bare number means seconds.
    /// </summary>
    /// <returns>The seconds, or null when the text is not a non-negative duration.</returns>
    public static double? ParseSeconds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var span = text.AsSpan().Trim();
        if (double.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            return bare;
        }

        double total = 0;
        var i = 0;
        while (i < span.Length)
        {
            var start = i;
            while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.'))
            {
                i++;
            }

            if (i == start || !double.TryParse(span[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            var unitStart = i;
            while (i < span.Length && char.IsAsciiLetterLower(span[i]))
            {
                i++;
            }

            double? scale = span[unitStart..i] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 0.001,
                _ => null,
            };
            if (scale is not { } factor)
            {
                return null;
            }

            total += number * factor;
        }

        return total;
    }

    /// <summary>
    /// Reads the arguments of GNU coreutils or BusyBox <c>sleep</c>: each a number with an optional suffix s, m, h or d,
    /// summed ("sleep 1m 30s"); "infinity" never ends.
    /// </summary>
    /// <returns>The seconds (<see cref="double.PositiveInfinity"/> for "infinity"), or null when an argument is not a duration.</returns>
    public static double? ParseSleepArguments(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 0)
        {
            return null;
        }

        double total = 0;
        foreach (var argument in arguments)
        {
            if (argument is "infinity" or "inf")
            {
                return double.PositiveInfinity;
            }

            var span = argument.AsSpan();
            var scale = 1.0;
            if (span.Length > 1 && char.IsAsciiLetterLower(span[^1]))
            {
                scale = span[^1] switch
                {
                    's' => 1,
                    'm' => 60,
                    'h' => 3600,
                    'd' => 86400,
                    _ => 0,
                };
                span = span[..^1];
            }

            if (scale == 0 || !double.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return null;
            }

            total += number * scale;
        }

        return total;
    }

    /// <summary>Formats seconds for messages: "10 s", "1.5 s", "unbounded".</summary>
    public static string Format(double seconds) =>
        double.IsPositiveInfinity(seconds) ? "unbounded" : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###} s");
}
