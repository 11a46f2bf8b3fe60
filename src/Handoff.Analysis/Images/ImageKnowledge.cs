using System.Text.RegularExpressions;

namespace Handoff.Analysis.Images;

/// <summary>A family of images without a shell, so an exec hook running sh or sleep fails there.</summary>
/// <param name="Family">The family's name.</param>
/// <param name="Pattern">
/// A regular expression an image reference of the family matches, written in the syntax RE2 and .NET read alike (no
/// look-around, no back-references; <c>(?i)</c> for case), so that check matches it here and the admission policy
/// (<see cref="Policy.AdmissionCel"/>) matches the same text with CEL's <c>matches()</c>.
/// </param>
/// <param name="Unless">A pattern that takes a reference out of the family again (a debug or -dev tag that adds a shell), or null.</param>
/// <param name="Source">Where the fact comes from.</param>
public sealed record ShellLessFamily(string Family, string Pattern, string? Unless, string Source)
{
    /// <summary>Whether <paramref name="image"/> belongs to the family.</summary>
    public bool Matches(string image) =>
        Regex.IsMatch(image, Pattern, RegexOptions.None, MatchTimeout) && (Unless is null || !Regex.IsMatch(image, Unless, RegexOptions.None, MatchTimeout));

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
}

/// <summary>Facts about container images, kept as data with their sources.</summary>
public static class ImageKnowledge
{
    /// <summary>Families known to ship no /bin/sh.</summary>
    public static IReadOnlyList<ShellLessFamily> ShellLess { get; } =
    [
        new("distroless", "(?i)distroless", TagContains("debug"),
            "https://github.com/GoogleContainerTools/distroless (debug tags add busybox)"),
        new(".NET chiseled", TagContains("chiseled"), null,
            "https://github.com/dotnet/dotnet-docker/blob/main/documentation/ubuntu-chiseled.md"),
        new("scratch", "^scratch$", null,
            "https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch"),
        new("Chainguard", @"(?i)^cgr\.dev/", TagContains("-dev"),
            "https://edu.chainguard.dev/chainguard/chainguard-images/ (only -dev variants include a shell)"),
        new("Docker Hardened Images", @"(?i)^dhi\.io/", TagContains("-dev"),
            "https://docs.docker.com/dhi/ (runtime variants ship no shell or package manager; -dev variants do); seed 000"),

        // Both words in the repository (before the tag): 'tiny' on either side of the run image's name.
        new("Paketo tiny", "(?i)^[^@]*(tiny[^@]*paketobuildpacks/run-|paketobuildpacks/run-[^:@]*tiny)", null,
            "https://paketo.io/docs/concepts/stacks/ (the tiny run image is distroless-like, without a shell)"),
    ];

    /// <summary>The official nginx image's first releases built with 'STOPSIGNAL SIGQUIT'.</summary>
    /// <remarks>
    /// docker-nginx switched from SIGTERM (fast shutdown) to SIGQUIT (graceful) in commit 3fb70dd, merged on
    /// 2020-11-24 for nginx versions after the fix of trac ticket 753 in 1.19.1 (nginx/docker-nginx PR 457, issue
    /// 377); the first images built after it are mainline 1.19.5 and stable 1.20.0. Older tags keep SIGTERM.
    /// </remarks>
    public static readonly Version NginxSigquitSince = new(1, 19, 5);

    /// <summary>Sources for the nginx stop signal facts.</summary>
    public static IReadOnlyList<string> NginxSources { get; } =
    [
        "https://nginx.org/en/docs/control.html (TERM, INT: fast shutdown; QUIT: graceful shutdown)",
        "https://github.com/nginx/docker-nginx/issues/377",
        "https://github.com/nginx/docker-nginx/pull/457",
    ];

    /// <summary>
    /// The stop signal an nginx image sets: "SIGQUIT" or "SIGTERM" for the official image (docker.io/library/nginx)
    /// by tag, null when the image is not the official one or its tag says nothing (a digest only).
    /// </summary>
    public static string? NginxStopSignal(string? image)
    {
        if (image is null || !IsOfficialNginx(image))
        {
            return null;
        }

        var tag = Tag(image);
        if (tag.Length == 0 && image.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        // Floating tags (latest, stable, mainline, alpine, perl, bookworm...) follow current releases.
        var versionText = new string(tag.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray()).TrimEnd('.');
        if (versionText.Length == 0)
        {
            return "SIGQUIT";
        }

        var parts = versionText.Split('.').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var version = parts.Count switch
        {
            1 => new Version(parts[0], int.MaxValue, int.MaxValue),
            2 => new Version(parts[0], parts[1], int.MaxValue),
            _ => new Version(parts[0], parts[1], parts[2]),
        };
        return version >= NginxSigquitSince ? "SIGQUIT" : "SIGTERM";
    }

    /// <summary>
    /// Whether an image is a plain OS base (debian, ubuntu, alpine, fedora, the Red Hat family, Amazon Linux) whose
    /// config sets no STOPSIGNAL, so a process installed on it gets Docker's default SIGTERM.
    /// </summary>
    public static bool IsPlainOsBase(string? image)
    {
        if (image is null)
        {
            return false;
        }

        var name = Repository(image).ToLowerInvariant();
        name = name.StartsWith("docker.io/", StringComparison.Ordinal) ? name["docker.io/".Length..] : name;
        name = name.StartsWith("library/", StringComparison.Ordinal) ? name["library/".Length..] : name;
        return name is "debian" or "ubuntu" or "alpine" or "fedora" or "centos" or "rockylinux" or "almalinux" or "amazonlinux" or "busybox"
            || name.StartsWith("redhat/ubi", StringComparison.Ordinal) || name.StartsWith("registry.access.redhat.com/ubi", StringComparison.Ordinal);
    }

    /// <summary>Whether an image is nginx (official or not): its repository's last segment is "nginx" or starts with "nginx-".</summary>
    public static bool IsNginx(string? image)
    {
        if (image is null)
        {
            return false;
        }

        var name = Repository(image);
        name = name[(name.LastIndexOf('/') + 1)..];
        return name.Equals("nginx", StringComparison.OrdinalIgnoreCase) || name.StartsWith("nginx-", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The repository of an image reference, without tag or digest ("docker.io/library/nginx").</summary>
    public static string Repository(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var withoutDigest = image.Split('@')[0];
        var slash = withoutDigest.LastIndexOf('/');
        var colon = withoutDigest.LastIndexOf(':');
        return colon > slash ? withoutDigest[..colon] : withoutDigest;
    }

    private static bool IsOfficialNginx(string image) =>
        Repository(image).ToLowerInvariant() is "nginx" or "library/nginx" or "docker.io/library/nginx" or "docker.io/nginx" or "index.docker.io/library/nginx";

    // The tag is what follows the last ':' that no '/' follows, before any '@digest' (as Tag() reads it).
    private static string TagContains(string text) => "(?i)^[^@]*:[^:/@]*" + Regex.Escape(text) + "[^:/@]*(@.*)?$";

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
