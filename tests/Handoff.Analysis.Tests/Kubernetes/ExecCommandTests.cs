using Handoff.Analysis.Kubernetes;

namespace Handoff.Analysis.Tests.Kubernetes;

public sealed class ExecCommandTests
{
    [Theory]
    [InlineData(new[] { "sleep", "10" }, 10)]
    [InlineData(new[] { "/bin/sleep", "1m" }, 60)]
    [InlineData(new[] { "sleep", "1m", "30s" }, 90)]
    [InlineData(new[] { "/bin/sh", "-c", "sleep 5 && nginx -s quit" }, 5)]
    [InlineData(new[] { "sh", "-ec", "echo draining; sleep 2.5; kill -TERM 1" }, 2.5)]
    [InlineData(new[] { "bash", "-c", "sleep 3\nsleep 4" }, 7)]
    [InlineData(new[] { "busybox", "sleep", "8" }, 8)]
    [InlineData(new[] { "/bin/sh", "-c", "nginx -s quit" }, 0)]
    public void Read_OnlySleepsAndQuickCommands_IsExact(string[] command, double seconds)
    {
        var exec = ExecCommand.Read(command);

        exec.IsExact.ShouldBeTrue();
        exec.SleepSeconds.ShouldBe(seconds);
    }

    [Fact]
    public void Read_SleepThenRealWork_IsALowerBoundNamingTheWork()
    {
        var exec = ExecCommand.Read(["sh", "-c", "sleep 5; nodetool drain"]);

        exec.IsExact.ShouldBeFalse();
        exec.SleepSeconds.ShouldBe(5);
        exec.OtherCommands.ShouldBe(["nodetool drain"]);
    }

    [Fact]
    public void Read_Loop_IsNotExactAndCountsNoSleepInsideIt()
    {
        var exec = ExecCommand.Read(["/bin/sh", "-c", "nginx -s quit; while killall -0 nginx; do sleep 1; done"]);

        exec.HasLoop.ShouldBeTrue();
        exec.IsExact.ShouldBeFalse();
        exec.SleepSeconds.ShouldBe(0);
    }

    [Theory]
    [InlineData("sleep $WAIT", 12)]
    [InlineData("sleep ${WAIT}", 12)]
    [InlineData("sleep ${MISSING:-4}", 4)]
    public void Read_VariableFromTheContainersEnv_IsResolved(string script, double seconds) =>
        ExecCommand.Read(["sh", "-c", script], new Dictionary<string, string>(StringComparer.Ordinal) { ["WAIT"] = "12" }).SleepSeconds.ShouldBe(seconds);

    [Fact]
    public void Read_UnresolvableVariable_IsWorkOfUnknownLength() =>
        ExecCommand.Read(["sh", "-c", "sleep $NOPE"]).IsExact.ShouldBeFalse();

    [Fact]
    public void Read_SleepInfinity_NeverEnds() =>
        ExecCommand.Read(["sleep", "infinity"]).SleepSeconds.ShouldBe(double.PositiveInfinity);

    [Theory]
    [InlineData("25", 25)]
    [InlineData("25s", 25)]
    [InlineData("1m30s", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData(" 2.5 ", 2.5)]
    public void ParseSeconds_NumbersAndGoDurations(string text, double seconds) => Durations.ParseSeconds(text).ShouldBe(seconds);

    [Theory]
    [InlineData("-3")]
    [InlineData("ten")]
    [InlineData("5x")]
    [InlineData("")]
    public void ParseSeconds_NotADuration_IsNull(string text) => Durations.ParseSeconds(text).ShouldBeNull();
}
