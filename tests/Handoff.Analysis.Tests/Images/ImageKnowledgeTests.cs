using Handoff.Analysis.Images;

namespace Handoff.Analysis.Tests.Images;

public sealed class ImageKnowledgeTests
{
    [Theory]
    [InlineData("nginx", "SIGQUIT")]
    [InlineData("nginx:latest", "SIGQUIT")]
    [InlineData("nginx:stable-alpine", "SIGQUIT")]
    [InlineData("nginx:1.27.3-bookworm", "SIGQUIT")]
    [InlineData("docker.io/library/nginx:1.19.5", "SIGQUIT")]
    [InlineData("nginx:1.19", "SIGQUIT")]
    [InlineData("nginx:1.19.4", "SIGTERM")]
    [InlineData("nginx:1.18-alpine", "SIGTERM")]
    [InlineData("library/nginx:1.17.10", "SIGTERM")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    [InlineData("bitnami/nginx:1.18", null)]
    [InlineData("registry.example.com:5000/nginx:1.18", null)]
    public void NginxStopSignal_OfficialImageTag_IsKnownByVersion(string image, string? expected)
    {
        ImageKnowledge.NginxStopSignal(image).ShouldBe(expected);
    }

    [Theory]
    [InlineData("gcr.io/distroless/static-debian12", "distroless")]
    [InlineData("gcr.io/distroless/base:debug", null)]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled", ".NET chiseled")]
    [InlineData("cgr.dev/chainguard/node:latest", "Chainguard")]
    [InlineData("cgr.dev/chainguard/node:latest-dev", null)]
    [InlineData("dhi.io/node:22", "Docker Hardened Images")]
    [InlineData("paketobuildpacks/run-jammy-tiny:latest", "Paketo tiny")]
    [InlineData("scratch", "scratch")]
    [InlineData("node:20-alpine", null)]
    [InlineData("gcr.io/distroless/base:debug@sha256:0123456789abcdef", null)]
    [InlineData("localhost:5000/distroless/base", "distroless")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet@sha256:chiseled", null)]
    [InlineData("registry.local:5000/dotnet/aspnet:9.0-noble-chiseled-extra", ".NET chiseled")]
    [InlineData("CGR.DEV/chainguard/static", "Chainguard")]
    [InlineData("paketobuildpacks/run-base:tiny", null)]
    [InlineData("docker.io/paketobuildpacks/run-tiny-cnb", "Paketo tiny")]
    public void ShellLessFamilyOf_KnownFamilies_AreRecognised(string image, string? family)
    {
        ImageKnowledge.ShellLessFamilyOf(image)?.Family.ShouldBe(family);
        (ImageKnowledge.ShellLessFamilyOf(image) is null).ShouldBe(family is null);
    }
}
