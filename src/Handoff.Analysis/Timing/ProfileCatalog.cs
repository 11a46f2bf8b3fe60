using Handoff.Analysis.Input;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing.Providers;

namespace Handoff.Analysis.Timing;

/// <summary>A profile an inference strategy points to, with the facts it found.</summary>
/// <param name="ProfileId">The catalogue id of the profile.</param>
/// <param name="Evidence">The facts (which object, which field or annotation).</param>
public sealed record InferredProfile(string ProfileId, ProfileEvidence Evidence);

/// <summary>A strategy that infers a workload's profile from the objects linked to it.</summary>
public interface IProfileInference
{
    /// <summary>The profile the workload's objects point to, with the evidence; null when they point to none of this strategy's.</summary>
    InferredProfile? Infer(Workload workload, ClusterModel model);
}

/// <summary>
/// The profiles a run knows, as an immutable instance passed in the analysis options: the built-in entries (embedded
/// YAML) and the inference strategies, to which a configuration file can add custom entries with <see cref="With"/>.
/// </summary>
public sealed class ProfileCatalog
{
    private const string EmbeddedName = "Handoff.Analysis.Timing.Profiles.yaml";
    private static readonly Lazy<ProfileCatalog> BuiltInCatalog = new(LoadBuiltIn);

    private readonly IReadOnlyList<Entry> _entries;
    private readonly Lazy<IReadOnlyList<Profile>> _profiles;

    /// <summary>Creates a catalogue.</summary>
    /// <param name="profiles">The entries, in the order --profile lists them.</param>
    /// <param name="inferences">The inference strategies, tried in order; one naming an id the catalogue lacks is skipped.</param>
    /// <param name="defaultId">The id used when nothing else decides.</param>
    /// <exception cref="ArgumentException">Two entries share an id, or <paramref name="defaultId"/> is not among them.</exception>
    public ProfileCatalog(IReadOnlyList<Profile> profiles, IReadOnlyList<IProfileInference> inferences, string defaultId)
        : this([.. (profiles ?? throw new ArgumentNullException(nameof(profiles))).Select(p => new Entry(p.Id, new Lazy<Profile>(p)))], inferences, defaultId)
    {
    }

    private ProfileCatalog(IReadOnlyList<Entry> entries, IReadOnlyList<IProfileInference> inferences, string defaultId)
    {
        ArgumentNullException.ThrowIfNull(inferences);
        var duplicate = entries.GroupBy(e => e.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Profile '{duplicate.Key}' is defined twice.", nameof(entries));
        }

        _entries = entries;
        _profiles = new Lazy<IReadOnlyList<Profile>>(() => [.. _entries.Select(e => e.Profile.Value)]);
        Inferences = inferences;
        Default = Find(defaultId) ?? throw new ArgumentException($"The default profile '{defaultId}' is not in the catalogue.", nameof(defaultId));
    }

    /// <summary>Handoff's own profiles (src/Handoff.Analysis/Timing/Profiles.yaml) and inference strategies.</summary>
    public static ProfileCatalog BuiltIn => BuiltInCatalog.Value;

    /// <summary>Every entry, in the order --profile lists them (reading every built-in entry the first time).</summary>
    public IReadOnlyList<Profile> Profiles => _profiles.Value;

    /// <summary>The inference strategies, most specific first.</summary>
    public IReadOnlyList<IProfileInference> Inferences { get; }

    /// <summary>The profile used when nothing else decides.</summary>
    public Profile Default { get; }

    /// <summary>The ids, comma-separated, for messages.</summary>
    public string Ids => string.Join(", ", _entries.Select(e => e.Id));

    /// <summary>Finds a profile by id (case-insensitive), or null; only that entry is read.</summary>
    public Profile? Find(string id) =>
        _entries.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase))?.Profile.Value;

    /// <summary>A catalogue with <paramref name="custom"/> added after the built-in entries (a custom entry may not reuse an id).</summary>
    /// <exception cref="ArgumentException">A custom entry reuses an id.</exception>
    public ProfileCatalog With(IEnumerable<Profile> custom) =>
        new([.. _entries, .. custom.Select(p => new Entry(p.Id, new Lazy<Profile>(p)))], Inferences, Default.Id);

    /// <summary>Chooses the profile of one workload: the requested one, else what its own objects point to, else the default.</summary>
    /// <param name="requested">The --profile value, or null.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="model">The manifests.</param>
    /// <returns>The choice with its evidence; null when <paramref name="requested"/> names no profile.</returns>
    public ProfileChoice? Choose(string? requested, Workload workload, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        if (requested is not null)
        {
            return Find(requested) is { } chosen ? new ProfileChoice(chosen, ProfileEvidence.Requested) : null;
        }

        foreach (var inference in Inferences)
        {
            if (inference.Infer(workload, model) is { } inferred && Find(inferred.ProfileId) is { } profile)
            {
                return new ProfileChoice(profile, inferred.Evidence);
            }
        }

        return new ProfileChoice(Default, DefaultEvidence(workload, model));
    }

    /// <summary>
    /// The profile of a whole run: the requested one; else the one every workload got; else the default, with a
    /// reason saying the choice was made per workload.
    /// </summary>
    /// <returns>null when <paramref name="requested"/> names no profile.</returns>
    public ProfileChoice? Choose(string? requested, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (requested is not null)
        {
            return Find(requested) is { } chosen ? new ProfileChoice(chosen, ProfileEvidence.Requested) : null;
        }

        return Summarize(model.Workloads.Select(w => Choose(null, w, model)!));
    }

    /// <summary>The run-level profile of choices already made per workload (no inference is repeated).</summary>
    public ProfileChoice Summarize(IEnumerable<ProfileChoice> perWorkload)
    {
        ArgumentNullException.ThrowIfNull(perWorkload);
        var choices = perWorkload.DistinctBy(c => c.Profile.Id, StringComparer.Ordinal).ToList();
        return choices.Count switch
        {
            0 => new ProfileChoice(Default, new ProfileEvidence("default", [], "the input has no workload")),
            1 => choices[0],
            _ => new ProfileChoice(Default, new ProfileEvidence("per-workload", [],
                $"chosen per workload ({string.Join(", ", choices.Select(c => c.Profile.Id))}); see each workload")),
        };
    }

    /// <summary>Why the default applies, said truthfully: an Ingress no profile describes is named, not denied.</summary>
    private static ProfileEvidence DefaultEvidence(Workload workload, ClusterModel model)
    {
        if (workload.Ingresses.Count > 0)
        {
            var described = workload.Ingresses.Select(i => IngressClasses.Resolve(i, model)).Select(c => c.Describe());
            return new ProfileEvidence("default", [], $"no profile describes {string.Join("; ", described)}; pass --profile to name its data plane");
        }

        return new ProfileEvidence("default", []);
    }

    /// <summary>
    /// Reads the embedded catalogue entry by entry, each the first time it is asked for: a run that checks one file
    /// needs one or two of the entries, and reading all of them was the largest part of the native binary's start-up
    /// (docs/performance.md). <see cref="BuiltInEntries"/> finds the entries; a test reads the whole file at once and
    /// compares.
    /// </summary>
    private static ProfileCatalog LoadBuiltIn()
    {
        var entries = BuiltInEntries(BuiltInText())
            .Select(e => new Entry(e.Id, new Lazy<Profile>(() => ReadBuiltInEntry(e.Text, e.Id))))
            .ToList();
        return new ProfileCatalog(entries, ProviderInferences.All, "kube-proxy-small");
    }

    /// <summary>The embedded file, whole (tests compare it with the entry-by-entry reading).</summary>
    internal static string BuiltInText()
    {
        using var stream = typeof(ProfileCatalog).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"The embedded resource {EmbeddedName} is missing from Handoff.Analysis.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Splits the built-in file at its entries: each starts with a line <c>  - id: NAME</c> under the root
    /// <c>profiles:</c> key. Each entry's text is a catalogue of its own with the entry on its original lines, so a
    /// position in an error is a position in Profiles.yaml.
    /// </summary>
    internal static IReadOnlyList<(string Id, string Text)> BuiltInEntries(string text)
    {
        const string Marker = "  - id: ";
        var lines = text.Split('\n');
        var starts = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(Marker, StringComparison.Ordinal))
            {
                starts.Add(i);
            }
        }

        var entries = new List<(string, string)>(starts.Count);
        for (var k = 0; k < starts.Count; k++)
        {
            var first = starts[k];
            var end = k + 1 < starts.Count ? starts[k + 1] : lines.Length;
            var id = lines[first][Marker.Length..].Trim();
            var entry = new System.Text.StringBuilder();
            entry.Append('\n', Math.Max(0, first - 1)).Append("profiles:\n");
            entry.AppendJoin('\n', lines[first..end]);
            entries.Add((id, entry.ToString()));
        }

        return entries;
    }

    private static Profile ReadBuiltInEntry(string text, string id)
    {
        var (profiles, errors) = ProfileCatalogReader.Read(new SourceFile("embedded:Timing/Profiles.yaml", text, SourceKind.Manifest));
        if (errors.Count > 0 || profiles.Count != 1 || !string.Equals(profiles[0].Id, id, StringComparison.Ordinal))
        {
            // The built-in file is ours; an error in it is a bug that tests catch, not user input.
            throw new InvalidOperationException($"The built-in profile catalogue entry '{id}' is invalid: " + string.Join("; ", errors));
        }

        return profiles[0];
    }

    /// <summary>One entry: its id, known without reading it, and the profile, read when first asked for.</summary>
    private sealed record Entry(string Id, Lazy<Profile> Profile);
}
