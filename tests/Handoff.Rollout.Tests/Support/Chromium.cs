using System.Diagnostics;

namespace Handoff.Rollout.Tests.Support;

/// <summary>Headless Chromium (the Debian package) run as a process: DOM dumps and screenshots of local files.</summary>
internal static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    public static async Task<string> DumpDomAsync(string htmlFile) => await RunAsync(htmlFile, "--dump-dom");

    public static async Task ScreenshotAsync(string htmlFile, string pngFile) => await RunAsync(htmlFile, $"--screenshot={pngFile}", "--window-size=1400,900");

    private static async Task<string> RunAsync(string htmlFile, params string[] extra)
    {
        var profile = Directory.CreateTempSubdirectory("handoff-chromium-").FullName;
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" }.Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(new Uri(htmlFile).AbsoluteUri);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            process.ExitCode.ShouldBe(0, await stderr);
            return await stdout;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            Directory.Delete(profile, recursive: true);
        }
    }
}
