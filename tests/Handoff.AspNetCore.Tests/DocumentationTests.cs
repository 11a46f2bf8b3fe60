using System.Reflection;
using Handoff.AspNetCore.Diagnostics;

namespace Handoff.AspNetCore.Tests;

public sealed class DocumentationTests
{
    private static readonly string LibraryDoc = Path.Combine(
        typeof(DocumentationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "docs", "library.md");

    public static TheoryData<string, int> Events()
    {
        var data = new TheoryData<string, int>();
        var fields = typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(Handoff.AspNetCore.Grpc.Diagnostics.LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static));
        foreach (var field in fields)
        {
            data.Add(field.Name, (int)field.GetRawConstantValue()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void LogEvents_EveryEvent_IsInTheLibraryDocsTable(string name, int id)
    {
        File.ReadAllLines(LibraryDoc).ShouldContain(l => l.StartsWith($"| {id} | {name}", StringComparison.Ordinal));
    }

    [Fact]
    public void LogEvents_Ids_AreUnique()
    {
        var ids = Events().Select(row => (int)row[1]).ToList();
        ids.Distinct().Count().ShouldBe(ids.Count);
        ids.Count.ShouldBe(18);
    }
}
