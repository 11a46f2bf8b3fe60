using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

public class CommandSplitterTests
{
    [Theory]
    [InlineData("kubectl set image deployment/web app=web:1.9", new[] { "kubectl", "set", "image", "deployment/web", "app=web:1.9" })]
    [InlineData("helm upgrade shop ./chart --set 'image.tag=1.9 beta'", new[] { "helm", "upgrade", "shop", "./chart", "--set", "image.tag=1.9 beta" })]
    [InlineData("sh -c \"echo \\\"hi\\\" && exit 0\"", new[] { "sh", "-c", "echo \"hi\" && exit 0" })]
    [InlineData("a\\ b  'c'\"d\" ''", new[] { "a b", "cd", "" })]
    [InlineData("echo $HOME; rm -rf /", new[] { "echo", "$HOME;", "rm", "-rf", "/" })]
    public void TrySplit_QuotedWords_SplitsLikeAShellWithoutExpanding(string line, string[] expected)
        => CommandSplitter.TrySplit(line, out _).ShouldBe(expected);

    [Theory]
    [InlineData("helm upgrade 'shop", "The command has an unclosed ' at column 14.")]
    [InlineData("sh -c \"exit 1", "The command has an unclosed \" at column 7.")]
    [InlineData("   ", "The command is empty.")]
    public void TrySplit_BadQuoting_SaysWhere(string line, string message)
    {
        CommandSplitter.TrySplit(line, out var error).ShouldBeNull();
        error.ShouldBe(message);
    }
}
