using System.Globalization;
using System.Text.RegularExpressions;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Tests.Yaml;

/// <summary>
/// Reads every file of tests/fixtures/yaml-compat/ (constructs real charts and tools emit) and checks it against what
/// go-yaml, kubectl's reader, makes of it: '# expect:' lines at the top (or a '.expect' file beside a JSON file) give the
/// object count, or that the file is refused, and values of the first object ("string data.script=\necho\n",
/// "int spec.x=420", "bool spec.hostNetwork=true"). docs/input.md lists what still differs.
/// </summary>
public sealed partial class YamlCompatibilityTests
{
    private static string Dir => Path.Combine(RepoPaths.Fixtures, "yaml-compat");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Dir).Where(f => !f.EndsWith(".expect", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void CompatFixture_ReadsAsGoYamlDoes(string name)
    {
        var path = Path.Combine(Dir, name);
        var expectations = Expectations(path);
        expectations.ShouldNotBeEmpty($"{name} has no '# expect:' lines");

        var set = ManifestSet.Load([path]);

        if (expectations.Contains("error"))
        {
            set.Errors.ShouldNotBeEmpty($"{name}: go-yaml refuses it, so must Handoff");
            set.Errors.ShouldAllBe(e => e.Line != null, $"{name}: the error has a line");
            return;
        }

        set.Errors.ShouldBeEmpty($"{name}: {string.Join("; ", set.Errors)}");
        foreach (var expectation in expectations)
        {
            var match = ExpectPattern().Match(expectation);
            match.Success.ShouldBeTrue($"{name}: cannot read '# expect: {expectation}'");
            var (what, fieldPath, value) = (match.Groups["what"].Value, match.Groups["path"].Value, match.Groups["value"].Value);
            if (what == "objects")
            {
                set.Objects.Count.ShouldBe(int.Parse(value, CultureInfo.InvariantCulture), name);
                continue;
            }

            var node = Navigate(set.Objects[0].Node, fieldPath);
            node.ShouldNotBeNull($"{name}: {fieldPath} is missing");
            var scalar = node.ShouldBeOfType<YScalar>($"{name}: {fieldPath}");
            switch (what)
            {
                case "string":
                    scalar.Value.ShouldBe(Regex.Unescape(value), $"{name}: {fieldPath}");
                    break;
                case "int":
                    scalar.AsInteger().ShouldBe(long.Parse(value, CultureInfo.InvariantCulture), $"{name}: {fieldPath}");
                    break;
                case "bool":
                    scalar.AsBoolean().ShouldBe(bool.Parse(value), $"{name}: {fieldPath}");
                    break;
                default:
                    throw new InvalidOperationException($"{name}: unknown expectation '{what}'");
            }
        }
    }

    [Fact]
    public void SpacesFirstLineRepair_KeepsPositionsOfTheUserText()
    {
        // The repair removes spaces; every node after it must still point at the user's bytes (fixes edit them).
        var text = "data:\n  a: |\n    \n    x\n  b: after\n";
        var (documents, error) = YamlReader.Read(new SourceFile("t.yaml", text, SourceKind.Manifest));

        error.ShouldBeNull();
        var data = ((YMap)documents[0].Root!)["data"].ShouldBeOfType<YMap>();
        ((YScalar)data["a"]!).Value.ShouldBe("\nx\n");
        var after = data["b"].ShouldBeOfType<YScalar>();
        after.Start.Line.ShouldBe(5);
        after.Start.Column.ShouldBe(6);
        text.Substring(after.Start.Offset, after.End.Offset - after.Start.Offset).ShouldBe("after");
    }

    [Fact]
    public void DuplicateKey_ErrorNamesBothLines()
    {
        var (_, error) = YamlReader.Read(new SourceFile("t.yaml", "kind: Pod\nmetadata:\n  name: a\n  name: b\n", SourceKind.Manifest));

        error.ShouldNotBeNull();
        error.Line.ShouldBe(4);
        error.Message.ShouldContain("'name' is written twice");
        error.Message.ShouldContain("first at line 3");
    }

    [Fact]
    public void UnrenderedHelmTemplate_ErrorSaysToRenderIt()
    {
        var set = ManifestSet.Load([Path.Combine(RepoPaths.Fixtures, "field-traps", "helm-chart")]);

        set.Errors.ShouldHaveSingleItem().Message.ShouldContain("render it with 'helm template'");
    }

    [Fact]
    public void PrometheusRuleTemplates_AreDataAndDrawNoHint()
    {
        var text = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n  - rules:\n    - annotations:\n        summary: '{{ $labels.pod }} is down'\n";

        HelmHint.HasTemplateCode(text).ShouldBeFalse();
        ManifestSet.FromText(text).Errors.ShouldBeEmpty();
    }

    private static List<string> Expectations(string path)
    {
        var source = File.Exists(path + ".expect") ? path + ".expect" : path;
        return [.. File.ReadLines(source).Select(l => l.TrimStart('\uFEFF').Trim()).Where(l => l.StartsWith("# expect:", StringComparison.Ordinal)).Select(l => l["# expect:".Length..].Trim())];
    }

    private static YNode? Navigate(YNode node, string path)
    {
        YNode? current = node;
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var key = bracket < 0 ? part : part[..bracket];
            current = (current as YMap)?[key];
            if (bracket >= 0)
            {
                var index = int.Parse(part[(bracket + 1)..^1], CultureInfo.InvariantCulture);
                current = current is YSeq seq && index < seq.Items.Count ? seq.Items[index] : null;
            }
        }

        return current;
    }

    [GeneratedRegex(@"^(?<what>objects)=(?<value>\d+)$|^(?<what>string|int|bool) (?<path>[^=]+)=(?<value>.*)$", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ExpectPattern();
}
