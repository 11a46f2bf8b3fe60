using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>A Kubernetes IntOrString: a number, or a string such as "25%" or a port name.</summary>
/// <param name="Int">The number, when it is one.</param>
/// <param name="String">The string, when it is one.</param>
/// <param name="Node">Where it was written (null for defaults).</param>
public sealed record IntOrString(int? Int, string? String, YNode? Node = null)
{
    /// <summary>Whether it is a percentage such as "25%".</summary>
    public bool IsPercent => String is { } s && s.EndsWith('%');

    /// <summary>Resolves against a total the way the Deployment controller does.</summary>
    /// <param name="total">The replica count.</param>
    /// <param name="roundUp">maxSurge rounds up, maxUnavailable rounds down (k8s.io/apimachinery intstr.GetScaledValueFromIntOrPercent).</param>
    /// <returns>The value, or null when it is neither a number nor a valid percentage.</returns>
    public int? Resolve(int total, bool roundUp)
    {
        if (Int is { } n)
        {
            return n;
        }

        if (IsPercent && int.TryParse(String.AsSpan(0, String!.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
        {
            var scaled = total * percent / 100.0;
            return roundUp ? (int)Math.Ceiling(scaled) : (int)Math.Floor(scaled);
        }

        return null;
    }

    /// <summary>The value as written ("1", "25%", "http").</summary>
    public override string ToString() => Int?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? String ?? string.Empty;
}

/// <summary>One requirement of a label selector's matchExpressions.</summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values);

/// <summary>A Kubernetes label selector (matchLabels and matchExpressions), or a Service's plain map.</summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<LabelRequirement> Expressions)
{
    /// <summary>Whether the selector has no terms (a PDB with an empty selector selects every pod in its namespace).</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && Expressions.Count == 0;

    /// <summary>Whether <paramref name="labels"/> satisfy every term.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!MatchesAll(MatchLabels, labels))
        {
            return false;
        }

        for (var i = 0; i < Expressions.Count; i++)
        {
            var requirement = Expressions[i];
            var has = labels.TryGetValue(requirement.Key, out var actual);
            var ok = requirement.Operator switch
            {
                "In" => has && requirement.Values.Contains(actual!, StringComparer.Ordinal),
                "NotIn" => !has || !requirement.Values.Contains(actual!, StringComparer.Ordinal),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="labels"/> hold every pair of <paramref name="required"/> (a Service's selector).</summary>
    /// <remarks>Linking runs this for every workload and Service of a namespace, so it enumerates without allocating.</remarks>
    public static bool MatchesAll(IReadOnlyDictionary<string, string> required, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(required);
        ArgumentNullException.ThrowIfNull(labels);
        if (required is Dictionary<string, string> concrete)
        {
            foreach (var (key, value) in concrete)
            {
                if (!labels.TryGetValue(key, out var actual) || actual != value)
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var (key, value) in required)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }
}
