using Handoff.Analysis.Configuration;
using Handoff.Analysis.Input;

namespace Handoff.Analysis.Tests.Configuration;

/// <summary>--write-config's merge: only the propagation key and our one comment line change; everything else stays.</summary>
public sealed class PropagationConfigWriterTests
{
    private const string Note = "measured by handoff lab, 2026-12-01: max 4.0 s + 1.0 s margin";

    [Fact]
    public void Merge_NoFile_CreatesOneThatReadsBack()
    {
        var merge = PropagationConfigWriter.Merge(".handoff.yaml", null, "5s", Note);

        merge.Errors.ShouldBeEmpty();
        ReadBack(merge.Text!).Propagation!.Value.MaxSeconds.ShouldBe(5);
        merge.Text!.ShouldContain($"{PropagationConfigWriter.CommentPrefix} {Note}\npropagation: 5s\n");
    }

    [Fact]
    public void Merge_ScalarWithComments_ChangesOnlyThatValueAndKeepsEveryOtherLine()
    {
        const string before = """
            # Team settings: every CI job reads these.
            profile: aws-alb   # our ingress
            propagation: 25s   # from the vendor's docs

            # drain of the slowest service
            drain: 30s
            ignore: [HO203]

            """;

        var merge = PropagationConfigWriter.Merge(".handoff.yaml", before, "6s", Note);

        merge.Errors.ShouldBeEmpty();
        merge.Text.ShouldBe("""
            # Team settings: every CI job reads these.
            profile: aws-alb   # our ingress
            # handoff --write-config: measured by handoff lab, 2026-12-01: max 4.0 s + 1.0 s margin
            propagation: 6s   # from the vendor's docs

            # drain of the slowest service
            drain: 30s
            ignore: [HO203]

            """);
        merge.Change.ShouldBe("propagation: 25s -> 6s (in .handoff.yaml)");
        var config = ReadBack(merge.Text!);
        (config.Profile!.Value, config.Drain!.Value, config.Ignore.Single().Value).ShouldBe(("aws-alb", 30d, "HO203"));
    }

    [Fact]
    public void Merge_Twice_ReplacesItsOwnCommentInsteadOfAddingAnother()
    {
        var first = PropagationConfigWriter.Merge(".handoff.yaml", "propagation: 25s\n", "6s", Note).Text!;

        var second = PropagationConfigWriter.Merge(".handoff.yaml", first, "8s", "measured by handoff verify, 2026-12-02: max 6.1 s + 1.5 s margin").Text!;

        second.ShouldBe($"{PropagationConfigWriter.CommentPrefix} measured by handoff verify, 2026-12-02: max 6.1 s + 1.5 s margin\npropagation: 8s\n");
    }

    [Fact]
    public void Merge_BlockMapping_ReplacesTheDefaultAndKeepsTheRules()
    {
        const string before = "propagation:\n  default: 25s  # global\n  namespaces:\n    payments: 40s\n  workloads:\n    \"api-*\": 5s..30s\ndrain: 30s\n";

        var merge = PropagationConfigWriter.Merge(".handoff.yaml", before, "6s", Note);

        merge.Text.ShouldBe($"{PropagationConfigWriter.CommentPrefix} {Note}\npropagation:\n  default: 6s  # global\n  namespaces:\n    payments: 40s\n  workloads:\n    \"api-*\": 5s..30s\ndrain: 30s\n");
        var config = ReadBack(merge.Text!);
        config.Propagation!.Value.MaxSeconds.ShouldBe(6);
        config.PropagationRules.Count.ShouldBe(2);
    }

    [Fact]
    public void Merge_BlockMappingWithoutDefault_AddsItAsTheFirstChild()
    {
        var merge = PropagationConfigWriter.Merge(".handoff.yaml", "propagation:\n    namespaces:\n        payments: 40s\n", "6s", Note);

        merge.Text.ShouldBe($"{PropagationConfigWriter.CommentPrefix} {Note}\npropagation:\n    default: 6s\n    namespaces:\n        payments: 40s\n");
    }

    [Fact]
    public void Merge_NoPropagationKey_AppendsItAndKeepsCrLf()
    {
        var merge = PropagationConfigWriter.Merge(".handoff.yaml", "profile: aws-alb\r\ndrain: 30s\r\n", "6s", Note);

        merge.Text.ShouldBe($"profile: aws-alb\r\ndrain: 30s\r\n{PropagationConfigWriter.CommentPrefix} {Note}\r\npropagation: 6s\r\n");
    }

    [Fact]
    public void Merge_FlowMapping_IsRefusedWithItsPosition()
    {
        var merge = PropagationConfigWriter.Merge(".handoff.yaml", "profile: aws-alb\npropagation: {default: 25s}\n", "6s", Note);

        merge.Text.ShouldBeNull();
        merge.Errors.ShouldHaveSingleItem().ToString().ShouldStartWith(".handoff.yaml:2:1: 'propagation' is written as a flow mapping");
    }

    [Fact]
    public void Merge_FileWithErrors_IsNotTouchedAndItsErrorsAreReturned()
    {
        var merge = PropagationConfigWriter.Merge(".handoff.yaml", "profle: aws-alb\npropagation: 25s\n", "6s", Note);

        merge.Text.ShouldBeNull();
        merge.Errors.ShouldHaveSingleItem().ToString().ShouldContain(".handoff.yaml:1:1: Unknown key 'profle' (did you mean 'profile'?)");
    }

    private static HandoffConfig ReadBack(string text)
    {
        var (config, errors) = ConfigReader.Read(new SourceFile(".handoff.yaml", text, SourceKind.Manifest));
        errors.ShouldBeEmpty();
        return config!;
    }
}
