using Handoff.AspNetCore.Shutdown;

namespace Handoff.AspNetCore.Tests.Shutdown;

public sealed class AdaptiveDelayPolicyTests
{
    // Floor 5 s, ceiling 30 s, quiet period 2 s.
    private static readonly AdaptiveDelayPolicy Policy = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(0, 0, false, 5)] // nothing arrived yet: wait for the floor
    [InlineData(4, 4, false, 1)] // quiet since the start, floor not reached
    [InlineData(5, 5, true, 0)] // floor reached and quiet long enough
    [InlineData(5, 1, false, 1)] // floor reached, a request arrived 1 s ago
    [InlineData(12, 1.5, false, 0.5)] // traffic still trickling in
    [InlineData(12, 2, true, 0)] // quiet period over
    [InlineData(29, 0.5, false, 1)] // the ceiling caps the wait
    [InlineData(30, 0, true, 0)] // ceiling reached under traffic
    public void Evaluate_Cases_DecideAsDocumented(double elapsed, double sinceLast, bool over, double wait)
    {
        var decision = Policy.Evaluate(TimeSpan.FromSeconds(elapsed), TimeSpan.FromSeconds(sinceLast));

        decision.IsOver.ShouldBe(over);
        decision.WaitBeforeNextCheck.ShouldBe(TimeSpan.FromSeconds(wait));
    }

    [Fact]
    public void Evaluate_CeilingReachedUnderTraffic_ReportsCeiling()
    {
        Policy.Evaluate(TimeSpan.FromSeconds(31), TimeSpan.Zero).Reason.ShouldBe(DelayEndReason.Ceiling);
    }

    [Fact]
    public void Evaluate_QuietAfterFloor_ReportsQuiet()
    {
        Policy.Evaluate(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(3)).Reason.ShouldBe(DelayEndReason.Quiet);
    }

    [Fact]
    public void Evaluate_WaitingThenNoTraffic_EndsExactlyOneQuietPeriodAfterLastArrival()
    {
        // A request arrived at t=10 s; nothing after. Following the policy's own waits must end at t=12 s.
        var lastArrival = TimeSpan.FromSeconds(10);
        var now = TimeSpan.FromSeconds(10.3);
        for (var i = 0; i < 10; i++)
        {
            var decision = Policy.Evaluate(now, now - lastArrival);
            if (decision.IsOver)
            {
                break;
            }

            now += decision.WaitBeforeNextCheck;
        }

        now.ShouldBe(TimeSpan.FromSeconds(12));
    }
}
