using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Handoff.Analysis.Rules;

/// <summary>Every built-in rule, ordered by id.</summary>
public static class RuleCatalog
{
    private static readonly Lazy<IReadOnlyList<IRule>> Rules = new(Discover);

    /// <summary>The rules.</summary>
    public static IReadOnlyList<IRule> All => Rules.Value;

    /// <summary>Finds a rule by id or name, or null.</summary>
    public static IRule? Find(string idOrName) => All.FirstOrDefault(r =>
        string.Equals(r.Descriptor.Id, idOrName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(r.Descriptor.Name, idOrName, StringComparison.OrdinalIgnoreCase));

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Rules live in this assembly, which is not trimmed.")]
    private static List<IRule> Discover()
    {
        var rules = typeof(RuleCatalog).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IRule).IsAssignableFrom(t)
                && t.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not null)
            .Select(t => (IRule)Activator.CreateInstance(t)!)
            .OrderBy(r => r.Descriptor.Id, StringComparer.Ordinal)
            .ToList();
        var duplicate = rules.GroupBy(r => r.Descriptor.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two rules share the id {duplicate.Key}.");
        }

        return rules;
    }
}
