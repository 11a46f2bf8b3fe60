using System.Globalization;

namespace Handoff.Analysis.Timing;

/// <summary>A Kubernetes minor version (1.32), deciding which API features the advice may use.</summary>
public readonly record struct KubernetesVersion(int Major, int Minor) : IComparable<KubernetesVersion>
{
    /// <summary>The version assumed when none is given: 1.32.</summary>
    public static KubernetesVersion Default { get; } = new(1, 32);

    /// <summary>
    /// Whether the native preStop 'sleep' action is on by default: alpha in 1.29 (PodLifecycleSleepAction gate
    /// off), beta and on in 1.30, GA in 1.34 (KEP-3960).
    /// </summary>
    public bool HasSleepAction => this >= new KubernetesVersion(1, 30);

    /// <summary>Whether 'sleep: {seconds: 0}' is accepted (PodLifecycleSleepActionAllowZero, beta in 1.33; KEP-4818).</summary>
    public bool AllowsZeroSleep => this >= new KubernetesVersion(1, 33);

    /// <summary>Parses "1.32", "v1.32" or "1.32.4".</summary>
    public static bool TryParse(string? text, out KubernetesVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        version = new KubernetesVersion(major, minor);
        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(KubernetesVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>Compares versions.</summary>
    public static bool operator <(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) < 0;

    /// <summary>Compares versions.</summary>
    public static bool operator >(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) > 0;

    /// <summary>Compares versions.</summary>
    public static bool operator <=(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Compares versions.</summary>
    public static bool operator >=(KubernetesVersion left, KubernetesVersion right) => left.CompareTo(right) >= 0;

    /// <summary>"1.32".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");
}
