namespace Handoff.Analysis.Images;

/// <summary>A family of images without a shell, so an exec hook running sh or sleep fails there.</summary>
/// <param name="Family">The family's name.</param>
/// <param name="Matches">Whether an image reference belongs to it.</param>
/// <param name="Source">Where the fact comes from.</param>
public sealed record ShellLessFamily(string Family, Func<string, bool> Matches, string Source);

/// <summary>Facts about container images, kept as data with their sources.</summary>
public static class ImageKnowledge
{
    /// <summary>Families known to ship no /bin/sh.</summary>
    public static IReadOnlyList<ShellLessFamily> ShellLess { get; } =
    [
        new("distroless", i => i.Contains("distroless", StringComparison.OrdinalIgnoreCase) && !Tag(i).Contains("debug", StringComparison.OrdinalIgnoreCase),
            "https://github.com/GoogleContainerTools/distroless (debug tags add busybox)"),
        new(".NET chiseled", i => Tag(i).Contains("chiseled", StringComparison.OrdinalIgnoreCase),
            "https://github.com/dotnet/dotnet-docker/blob/main/documentation/ubuntu-chiseled.md"),
        new("scratch", i => string.Equals(i, "scratch", StringComparison.Ordinal),
            "https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch"),
        new("Chainguard", i => i.StartsWith("cgr.dev/chainguard/", StringComparison.OrdinalIgnoreCase) && !Tag(i).Contains("-dev", StringComparison.OrdinalIgnoreCase),
            "https://edu.chainguard.dev/chainguard/chainguard-images/ (only -dev variants include a shell)"),
    ];

    /// <summary>The shell-less family an image belongs to, or null.</summary>
    public static ShellLessFamily? ShellLessFamilyOf(string? image) =>
        image is null ? null : ShellLess.FirstOrDefault(f => f.Matches(image));

    /// <summary>The tag of an image reference ("" when none).</summary>
    public static string Tag(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var withoutDigest = image.Split('@')[0];
        var slash = withoutDigest.LastIndexOf('/');
        var colon = withoutDigest.LastIndexOf(':');
        return colon > slash ? withoutDigest[(colon + 1)..] : string.Empty;
    }
}
