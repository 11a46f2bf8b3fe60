using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace Handoff.Cli.Tests.Distribution;

/// <summary>
/// Handoff.AspNetCore as users get it: a tiny app outside the repository references the package from artifacts/packages
/// (not the project), is built with 'dotnet build', runs on loopback and answers its probes, then flips readiness at SIGTERM.
/// </summary>
public sealed class LibraryPackageTests : IDisposable
{
    private static readonly TimeSpan ProbeWait = TimeSpan.FromSeconds(60);
    private readonly string _work = Artifacts.TempDirectory("library-package");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [ArtifactFact]
    public void LibraryPackage_HasReadmeXmlDocsAndSymbols()
    {
        Artifacts.Require();
        using var package = ZipFile.OpenRead(Artifacts.LibraryPackage);
        using var symbols = ZipFile.OpenRead(Artifacts.LibrarySymbols);
        var files = package.Entries.Select(e => e.FullName).ToList();

        files.ShouldContain("README.md");
        files.ShouldContain("lib/net10.0/Handoff.AspNetCore.dll");
        files.ShouldContain("lib/net10.0/Handoff.AspNetCore.xml");
        symbols.Entries.Select(e => e.FullName).ShouldContain("lib/net10.0/Handoff.AspNetCore.pdb");
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.ReadToEnd();
        metadata.ShouldContain($"<version>{Artifacts.Version}</version>");
        metadata.ShouldContain("<readme>README.md</readme>");
        metadata.ShouldContain("<description>Graceful shutdown");
    }

    [ArtifactFact]
    public async Task AppReferencingThePackage_AnswersProbesOnLoopback_AndTurnsUnreadyAtSigterm()
    {
        Artifacts.Require();
        WriteApp();
        var env = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-cache") };
        var build = Artifacts.Run("dotnet", _work, env, TimeSpan.FromMinutes(4), "build", "-c", "Release", "-nologo", "-v:q", "-o", Path.Combine(_work, "out"));
        build.ExitCode.ShouldBe(0, build.Stdout + build.Stderr);
        File.Exists(Path.Combine(_work, "nuget-cache", "handoff.aspnetcore", Artifacts.Version, $"handoff.aspnetcore.{Artifacts.Version}.nupkg"))
            .ShouldBeTrue("the app was not restored from the Handoff.AspNetCore package");

        var port = FreeLoopbackPort();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = _work, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(_work, "out", "ProbeApp.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Handoff__ShutdownDelay__Mode"] = "Fixed";
        start.Environment["Handoff__ShutdownDelay__Seconds"] = "3";
        using var app = System.Diagnostics.Process.Start(start)!;
        _ = app.StandardOutput.ReadToEndAsync();
        _ = app.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        using var cts = new CancellationTokenSource(ProbeWait);
        try
        {
            (await WaitForStatusAsync(http, "/healthz/startup", HttpStatusCode.OK, cts.Token)).ShouldBe(HttpStatusCode.OK);
            (await StatusAsync(http, "/healthz/ready", cts.Token)).ShouldBe(HttpStatusCode.OK);
            (await StatusAsync(http, "/healthz/live", cts.Token)).ShouldBe(HttpStatusCode.OK);
            (await http.GetStringAsync(new Uri("/", UriKind.Relative), cts.Token)).ShouldBe("ok");

            Artifacts.Run("/bin/kill", _work, null, TimeSpan.FromSeconds(10), "-TERM", app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode.ShouldBe(0);

            // During the 3 s delay the listener is still open: readiness says 503, liveness still 200.
            (await WaitForStatusAsync(http, "/healthz/ready", HttpStatusCode.ServiceUnavailable, cts.Token)).ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await StatusAsync(http, "/healthz/live", cts.Token)).ShouldBe(HttpStatusCode.OK);
            await app.WaitForExitAsync(cts.Token);
            app.ExitCode.ShouldBe(0);
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill(entireProcessTree: true);
            }
        }
    }

    private void WriteApp()
    {
        File.WriteAllText(Path.Combine(_work, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <!-- The local folder beside the user's usual sources (no <clear/>). -->
                <add key="handoff-local" value="{Artifacts.Packages}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(_work, "ProbeApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Handoff.AspNetCore" Version="{Artifacts.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_work, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddHandoff();
            var app = builder.Build();
            app.MapHandoffProbes();
            app.MapGet("/", () => "ok");
            app.Run();
            """);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="wanted"/> or the token ends; returns the last status.</summary>
    private static async Task<HttpStatusCode> WaitForStatusAsync(HttpClient http, string path, HttpStatusCode wanted, CancellationToken cancellationToken)
    {
        var last = HttpStatusCode.ServiceUnavailable;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                last = await StatusAsync(http, path, cancellationToken);
                if (last == wanted)
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        return last;
    }
}
