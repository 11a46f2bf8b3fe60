using Handoff.Analysis.Input;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Tests.Yaml;

/// <summary>
/// The reader stores nodes as rows and makes node objects on demand; these pin what callers rely on: spans, order,
/// styles, tags, aliases, and that one node is always the same object.
/// </summary>
public sealed class YamlReaderTests
{
    private static IReadOnlyList<YamlDocument> Read(string text)
    {
        var (documents, error) = YamlReader.Read(new SourceFile("t.yaml", text, SourceKind.Manifest));
        error.ShouldBeNull();
        return documents;
    }

    private static YMap Root(string text) => Read(text)[0].Root.ShouldBeOfType<YMap>();

    [Fact]
    public void Read_Mapping_KeepsEntriesInSourceOrderWithSpans()
    {
        var root = Root("kind: Service\nmetadata:\n  name: web\n  labels: {app: web}\n");

        root.Entries.Select(e => ((YScalar)e.Key).Value).ShouldBe(["kind", "metadata"]);
        var name = root["metadata"].ShouldBeOfType<YMap>()["name"].ShouldBeOfType<YScalar>();
        name.Value.ShouldBe("web");
        name.Start.ShouldBe(new SourcePosition(3, 9, 32));
        name.End.Offset.ShouldBe(35);
        var labels = ((YMap)root["metadata"]!)["labels"].ShouldBeOfType<YMap>();
        labels.IsFlow.ShouldBeTrue();
        labels.Start.ShouldBe(new SourcePosition(4, 11, 46));
        root.IsFlow.ShouldBeFalse();
    }

    [Fact]
    public void Read_EqualTexts_KeepTheirOwnPositions()
    {
        // Equal short texts share one string; each node must still point at its own place.
        var root = Root("a: web\nb: web\nc: [web, web]\n");

        root["a"]!.Start.Line.ShouldBe(1);
        root["b"]!.Start.Line.ShouldBe(2);
        var items = root["c"].ShouldBeOfType<YSeq>().Items;
        items.Select(i => i.Start.Column).ShouldBe([5, 10]);
        items.ShouldAllBe(i => ((YScalar)i).Value == "web");
    }

    [Fact]
    public void Node_AskedForTwice_IsTheSameObject()
    {
        var root = Root("spec:\n  containers:\n    - name: app\n");

        var viaIndexer = ((YMap)root["spec"]!)["containers"].ShouldBeOfType<YSeq>().Items[0];
        var viaEntries = ((YMap)root.Entries[0].Value).Entries[0].Value.ShouldBeOfType<YSeq>().Items[0];

        viaEntries.ShouldBeSameAs(viaIndexer);
        root.Find("spec")!.Value.Key.ShouldBeSameAs(root.Entries[0].Key);
    }

    [Fact]
    public void Alias_RefersToTheAnchoredNodeItself()
    {
        var root = Root("base: &b {port: 80}\ncopy: *b\n");

        root["copy"].ShouldBeSameAs(root["base"]);
        ((YScalar)((YMap)root["copy"]!)["port"]!).AsInteger().ShouldBe(80);
    }

    [Fact]
    public void Read_ScalarStylesAndTags_AreKept()
    {
        var root = Root("plain: 3\nquoted: \"3\"\nsingle: '3'\ntagged: !!str 3\nblock: |\n  text\nfolded: >\n  text\nempty:\n");

        ((YScalar)root["plain"]!).AsInteger().ShouldBe(3);
        ((YScalar)root["quoted"]!).Style.ShouldBe(ScalarStyle.DoubleQuoted);
        ((YScalar)root["quoted"]!).AsInteger().ShouldBeNull();
        ((YScalar)root["single"]!).Style.ShouldBe(ScalarStyle.SingleQuoted);
        root["tagged"]!.Tag.ShouldBe("tag:yaml.org,2002:str");
        ((YScalar)root["tagged"]!).AsInteger().ShouldBeNull();
        root["plain"]!.Tag.ShouldBeNull();
        ((YScalar)root["block"]!).Style.ShouldBe(ScalarStyle.Literal);
        ((YScalar)root["block"]!).Value.ShouldBe("text\n");
        ((YScalar)root["folded"]!).Style.ShouldBe(ScalarStyle.Folded);
        ((YScalar)root["empty"]!).IsNull.ShouldBeTrue();
        root["missing"].ShouldBeNull();
    }

    [Fact]
    public void Read_LongTexts_AreNotTruncatedOrShared()
    {
        var longValue = new string('x', 200);
        var root = Root($"a: {longValue}\nb: {longValue}y\n");

        ((YScalar)root["a"]!).Value.ShouldBe(longValue);
        ((YScalar)root["b"]!).Value.ShouldBe(longValue + "y");
    }

    [Fact]
    public void Read_ManyDocuments_GrowPastTheFirstSizing()
    {
        // Dense flow YAML holds more nodes per character than the table is first sized for.
        var text = string.Join("---\n", Enumerable.Range(0, 300).Select(i => $"{{k: [{string.Join(",", Enumerable.Repeat(i, 20))}]}}\n"));

        var documents = Read(text);

        documents.Count.ShouldBe(300);
        var last = documents[^1].Root.ShouldBeOfType<YMap>()["k"].ShouldBeOfType<YSeq>();
        last.Items.Count.ShouldBe(20);
        last.Items.ShouldAllBe(i => ((YScalar)i).Value == "299");
        documents[^1].Root!.Start.Line.ShouldBe(599);
    }

    [Fact]
    public void Read_EmptyDocument_IsANullScalar()
    {
        var documents = Read("---\n---\nkind: A\n");

        documents.Count.ShouldBe(2);
        documents[0].Root.ShouldBeOfType<YScalar>().IsNull.ShouldBeTrue();
        documents[1].Root.ShouldBeOfType<YMap>();
    }
}
