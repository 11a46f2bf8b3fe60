using Handoff.AspNetCore.LongLived;

namespace Handoff.AspNetCore.Tests.LongLived;

public sealed class CloseScheduleTests
{
    [Fact]
    public void Offsets_FewConnections_AreSpreadOverTheWholeWindowInAscendingOrder()
    {
        var offsets = CloseSchedule.Offsets(10, TimeSpan.FromSeconds(10), maxPerSecond: 50, new Random(7));

        offsets.Count.ShouldBe(10);
        offsets.ShouldBeInOrder();
        offsets.ShouldAllBe(o => o >= TimeSpan.Zero && o < TimeSpan.FromSeconds(10));

        // One close per one-second slot: the i-th falls inside [i s, i+1 s).
        for (var i = 0; i < offsets.Count; i++)
        {
            offsets[i].TotalSeconds.ShouldBeInRange(i, i + 1);
        }
    }

    [Fact]
    public void Offsets_MoreConnectionsThanTheRateAllowsInTheWindow_KeepTheRateAndRunLonger()
    {
        // 1,000 connections at 50 per second need 20 s; a 10 s window would mean 100 per second.
        var offsets = CloseSchedule.Offsets(1000, TimeSpan.FromSeconds(10), maxPerSecond: 50, new Random(7));

        offsets[^1].TotalSeconds.ShouldBeInRange(19.9, 20);
        var busiestSecond = offsets.GroupBy(o => (int)o.TotalSeconds).Max(g => g.Count());
        busiestSecond.ShouldBeLessThanOrEqualTo(51);
    }

    [Fact]
    public void Offsets_NoConnection_IsEmpty() =>
        CloseSchedule.Offsets(0, TimeSpan.FromSeconds(10), 50, new Random(7)).ShouldBeEmpty();
}
