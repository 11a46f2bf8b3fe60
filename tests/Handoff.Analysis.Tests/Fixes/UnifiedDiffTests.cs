using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Handoff.Analysis.Fixes;

namespace Handoff.Analysis.Tests.Fixes;

/// <summary>Checks the differ against the real tools on the machine: GNU 'diff -u' and 'git apply'.</summary>
public sealed class UnifiedDiffTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-diff-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_EqualTexts_IsEmpty() => UnifiedDiff.Create("a\n", "a\n", "a/x", "b/x").ShouldBeEmpty();

    [Fact]
    public void Create_MissingFinalNewline_IsMarkedLikeDiff()
    {
        var diff = UnifiedDiff.Create("a\nb", "a\nb\nc", "a/x", "b/x");

        diff.ShouldBe("--- a/x\n+++ b/x\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n");
    }

    [Fact]
    public void Create_RandomEdits_MatchesGnuDiffHunksAndAppliesWithGit()
    {
        var words = new[] { "a", "b", "c", "d", "e", "f" };
        var lineGen = Gen.Elements(words);
        var textGen = Gen.ArrayOf(lineGen).Select(lines => lines.Length == 0 ? string.Empty : string.Join("\n", lines) + "\n");
        var pairs = Gen.Zip(textGen, textGen).ToArbitrary();
        var checkedCases = 0;
        var property = Prop.ForAll(pairs, pair =>
        {
            var (before, after) = pair;
            var ours = UnifiedDiff.Create(before, after, "a/f.txt", "b/f.txt");
            File.WriteAllText(Path.Combine(_dir, "old.txt"), before);
            File.WriteAllText(Path.Combine(_dir, "new.txt"), after);
            var (code, gnu) = Run("diff", _dir, "-u", "old.txt", "new.txt");
            if (code == 0)
            {
                ours.ShouldBeEmpty();
                return;
            }

            // Same hunks as GNU diff (line choices may differ where two scripts are equally short, so compare counts and sizes).
            var gnuBody = string.Join('\n', gnu.Split('\n').Skip(2));
            var ourBody = string.Join('\n', ours.Split('\n').Skip(2));
            Hunks(ourBody).Count.ShouldBe(Hunks(gnuBody).Count, $"ours:\n{ours}\ngnu:\n{gnu}");
            Changes(ourBody).ShouldBe(Changes(gnuBody), $"ours:\n{ours}\ngnu:\n{gnu}");
            checkedCases++;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), property);
        checkedCases.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void Create_FixOfNaiveSampleInCrlf_AppliesCleanlyWithGitApply()
    {
        var root = FixPlannerTests.RepoRoot();
        var naive = File.ReadAllText(Path.Combine(root, "samples", "deploy", "naive.yaml")).Replace("\n", "\r\n").TrimEnd('\n', '\r');
        var result = FixTestHelpers.Fix(naive, "deploy.yaml");
        var diff = UnifiedDiff.Create(naive, result.Files[0].Text, "a/deploy.yaml", "b/deploy.yaml");
        Run("git", _dir, "init", "-q").Code.ShouldBe(0);
        File.WriteAllText(Path.Combine(_dir, "deploy.yaml"), naive);
        File.WriteAllText(Path.Combine(_dir, "fix.patch"), diff);

        var check = Run("git", _dir, "apply", "--check", "fix.patch");
        check.Code.ShouldBe(0, check.Output);
        Run("git", _dir, "apply", "fix.patch").Code.ShouldBe(0);

        File.ReadAllText(Path.Combine(_dir, "deploy.yaml")).ShouldBe(result.Files[0].Text);
    }

    [Fact]
    public void Create_LargeFileWithThousandsOfEdits_StaysSmallAndAppliesWithGitApply()
    {
        // 2,000 blocks of 10 lines, a line inserted in every other block: one whole-file Myers search would hold
        // gigabytes of frontiers; the anchored diff must stay a valid patch.
        var before = new System.Text.StringBuilder();
        var after = new System.Text.StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            for (var j = 0; j < 10; j++)
            {
                var line = j == 0 ? $"name: app{i}\n" : $"  key{j}: value\n";
                before.Append(line);
                after.Append(line);
                if (j == 5 && i % 2 == 0)
                {
                    after.Append("  added: true\n");
                }
            }
        }

        var diff = UnifiedDiff.Create(before.ToString(), after.ToString(), "a/big.yaml", "b/big.yaml");
        Run("git", _dir, "init", "-q").Code.ShouldBe(0);
        File.WriteAllText(Path.Combine(_dir, "big.yaml"), before.ToString());
        File.WriteAllText(Path.Combine(_dir, "big.patch"), diff);

        diff.Split('\n').Count(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal)).ShouldBe(1000);
        diff.Split('\n').Count(l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal)).ShouldBe(0);
        var apply = Run("git", _dir, "apply", "big.patch");
        apply.Code.ShouldBe(0, apply.Output);
        File.ReadAllText(Path.Combine(_dir, "big.yaml")).ShouldBe(after.ToString());
    }

    private static List<string> Hunks(string body) => body.Split('\n').Where(l => l.StartsWith("@@", StringComparison.Ordinal)).ToList();

    private static (int Removed, int Added) Changes(string body)
    {
        var lines = body.Split('\n');
        return (lines.Count(l => l.StartsWith('-')), lines.Count(l => l.StartsWith('+')));
    }

    private static (int Code, string Output) Run(string file, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 20 s.");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
