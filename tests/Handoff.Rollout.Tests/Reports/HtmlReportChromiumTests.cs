using System.Text.RegularExpressions;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Tests.Lab;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Reports;

/// <summary>Opens the HTML report of a real naive lab run in headless Chromium.</summary>
/// <remarks>The page and its screenshot stay in artifacts/test-results/rollout/html-report/ for a human to look at.</remarks>
[Collection(LabSmokeCollection.Name)]
public class HtmlReportChromiumTests(LabSmokeRuns runs)
{
    [Fact(Timeout = 120_000)]
    public async Task Render_NaiveLabRun_ChromiumDrawsALanePerPodAndTheFailureMarks()
    {
        var report = LabReport.Build(runs.Naive);
        report.Failed.ShouldBeGreaterThan(0);
        var dir = TestPaths.Artifacts("html-report");
        var page = Path.Combine(dir, "report.html");
        await File.WriteAllTextAsync(page, HtmlReport.Render(report));

        var dom = await Chromium.DumpDomAsync(page);
        Regex.Matches(dom, "<g class=\"lane\" data-pod=\"([^\"]+)\"").Select(m => m.Groups[1].Value)
            .ShouldBe(report.Pods.Select(p => p.Name));
        var marks = Regex.Matches(dom, "class=\"fail-mark\" data-cause=\"(\\w+)\" data-count=\"(\\d+)\"");
        marks.Sum(m => int.Parse(m.Groups[2].Value)).ShouldBe(report.Failed, "every failed request is in a mark");
        marks.ShouldContain(m => m.Groups[1].Value == "sigTermBeforeEndpointRemoval");
        Regex.Count(dom, "class=\"endpoint-removed\"").ShouldBe(2, "two old pods left the load balancer");
        dom.ShouldContain("class=\"rate-sent\"");

        var png = Path.Combine(dir, "report.png");
        await Chromium.ScreenshotAsync(page, png);
        PngPixels.Count(png, 0xd6, 0x27, 0x28).ShouldBeGreaterThan(100, "failure marks are painted red");
        PngPixels.Count(png, 0x2c, 0xa0, 0x2c).ShouldBeGreaterThan(1000, "serving phases are painted green");
        PngPixels.Count(png, 0x1f, 0x77, 0xb4).ShouldBeGreaterThan(100, "endpoint bars are painted blue");
    }
}
