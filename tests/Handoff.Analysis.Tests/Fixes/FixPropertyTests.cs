using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Handoff.Analysis.Fixes;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Tests.Fixes;

public class FixPropertyTests
{
    // What a fix may delete: a scalar it replaces ("30", 'Recreate', "25%") or an exec hook it replaces by the sleep action.
    private static readonly Regex Replaceable = new(@"^(?:[""']?[A-Za-z0-9%.]*[""']?|exec:[\s\S]*)$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private static readonly Arbitrary<int[]> Shapes = Gen.ArrayOf(Gen.Choose(0, 1_000_000), 24).ToArbitrary();

    [Fact]
    public void Run_GeneratedManifests_AreFixedOnceKeepingEveryOtherByte()
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        var cases = 0;
        var property = Prop.ForAll(Shapes, choices =>
        {
            cases++;
            var (text, shape) = ManifestGenerator.Generate(choices);
            var context = shape.Description + "\n" + text;
            var set = ManifestSet.Parse([new SourceFile("gen.yaml", text, SourceKind.Manifest)]);
            set.Errors.ShouldBeEmpty(context);

            var result = FixPlanner.Run(set);
            var fixedText = result.Files.Single().Text;
            applied.UnionWith(result.Applied.Select(f => f.RuleId));

            // Check after fix reports none of the fixed findings.
            result.Unresolved.ShouldBeEmpty(context);
            var after = Analyzer.Analyze(ManifestSet.Parse([new SourceFile("gen.yaml", fixedText, SourceKind.Manifest)]));
            after.Errors.ShouldBeEmpty(context + "\n--- fixed:\n" + fixedText);
            foreach (var fix in result.Applied)
            {
                after.Findings.ShouldNotContain(f => f.RuleId == fix.RuleId && f.Object == fix.Object, context + "\n--- fixed:\n" + fixedText);
            }

            // Fixing twice equals fixing once.
            var again = FixPlanner.Run(ManifestSet.Parse([new SourceFile("gen.yaml", fixedText, SourceKind.Manifest)]));
            again.Files.Single().Text.ShouldBe(fixedText, context);

            // Every byte outside the edited spans is unchanged, and the spans delete only what a fix replaces.
            foreach (var pass in result.History)
            {
                var position = 0;
                foreach (var edit in pass.Edits.OrderBy(e => e.Start).ThenBy(e => e.Order))
                {
                    edit.Start.ShouldBeGreaterThanOrEqualTo(position, context);
                    var deleted = pass.TextBefore[edit.Start..edit.End];
                    Replaceable.IsMatch(deleted).ShouldBeTrue($"deleted '{deleted}'\n{context}");
                    position = edit.End;
                }
            }

            // Comments, line endings and the final newline survive.
            var comments = Lines(text).Where(l => l.TrimStart().StartsWith('#')).ToList();
            var fixedComments = Lines(fixedText).Where(l => l.TrimStart().StartsWith('#')).ToList();
            fixedComments.ShouldBe(comments, context);
            foreach (var line in Lines(text).Where(l => l.Contains(" # ", StringComparison.Ordinal)))
            {
                var comment = line[line.IndexOf(" # ", StringComparison.Ordinal)..];
                fixedText.ShouldContain(comment, Case.Sensitive, context);
            }

            if (shape.Crlf)
            {
                Regex.IsMatch(fixedText, "(?<!\r)\n").ShouldBeFalse(context);
            }
            else
            {
                fixedText.ShouldNotContain('\r', context);
            }

            fixedText.EndsWith('\n').ShouldBe(shape.FinalNewline, context);
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);

        // The generator reaches every fixer (a property that never fixes anything would prove nothing).
        cases.ShouldBe(200);
        applied.ShouldBe(["HO101", "HO102", "HO103", "HO104", "HO105", "HO201", "HO202", "HO203", "HO205"], ignoreOrder: true);
    }

    private static string[] Lines(string text) => text.Replace("\r\n", "\n").Split('\n');
}
