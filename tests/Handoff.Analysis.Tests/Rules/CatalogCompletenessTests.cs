using Handoff.Analysis.Fixes;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Tests.Rules;

/// <summary>
/// The rule catalogue and the fixer list are explicit (the native binary is trimmed, so nothing may be found by
/// reflection at run time); these tests use reflection here, in the test, so a new rule or fixer cannot be forgotten.
/// </summary>
public sealed class CatalogCompletenessTests
{
    private static IEnumerable<Type> Implementations<T>() =>
        typeof(RuleCatalog).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(T).IsAssignableFrom(t));

    [Fact]
    public void RuleCatalog_ListsEveryRuleTypeInTheAssembly()
    {
        var declared = Implementations<IRule>().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        var listed = RuleCatalog.All.Select(r => r.GetType().FullName!).Order(StringComparer.Ordinal).ToList();

        declared.Count.ShouldBeGreaterThanOrEqualTo(28);
        declared.Except(listed, StringComparer.Ordinal).ShouldBeEmpty("add these rules to RuleCatalog");
        listed.ShouldBeUnique();
        listed.Count.ShouldBe(declared.Count);
    }

    [Fact]
    public void FixPlanner_ListsEveryFixerTypeInTheAssembly()
    {
        var declared = Implementations<IFixer>().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        var listed = FixPlanner.Fixers.Select(f => f.GetType().FullName!).Order(StringComparer.Ordinal).ToList();

        declared.ShouldNotBeEmpty();
        declared.Except(listed, StringComparer.Ordinal).ShouldBeEmpty("add these fixers to FixPlanner.Fixers");
        listed.ShouldBeUnique();
    }

    [Fact]
    public void RuleCatalog_IsOrderedByIdWithUniqueIds()
    {
        var ids = RuleCatalog.All.Select(r => r.Descriptor.Id).ToList();
        ids.ShouldBe(ids.Order(StringComparer.Ordinal).ToList());
        ids.ShouldBeUnique();
    }
}
