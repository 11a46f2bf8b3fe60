using Handoff.Analysis.Configuration;

namespace Handoff.Analysis.Tests.Configuration;

/// <summary>Where a value came from: the kind reports decide on, and the text they print unchanged.</summary>
public sealed class ValueOriginTests
{
    public static TheoryData<ValueOrigin, OriginKind, string, bool> Origins() => new()
    {
        { ValueOrigin.FromCommandLine("--drain", "30s"), OriginKind.CommandLine, "--drain 30s", true },
        { ValueOrigin.FromCommandLine("--profile"), OriginKind.CommandLine, "--profile", true },
        { ValueOrigin.FromConfigFile("deploy/.handoff.yaml", 4, 14), OriginKind.ConfigFile, "deploy/.handoff.yaml:4:14", true },
        { ValueOrigin.FromAnnotation("handoff.dev/drain-seconds"), OriginKind.Annotation, "annotation handoff.dev/drain-seconds", false },
        { ValueOrigin.FromAppSetting("env Handoff__DrainTimeoutSeconds=25", "api"), OriginKind.AppSetting, "app setting: env Handoff__DrainTimeoutSeconds=25 of container 'api'", false },
    };

    [Theory]
    [MemberData(nameof(Origins))]
    public void Factories_EachSource_HaveTheirKindAndPrintTheirText(ValueOrigin origin, OriginKind kind, string text, bool givenByUser)
    {
        origin.ShouldBe(new ValueOrigin(kind, text));
        origin.GivenByUser.ShouldBe(givenByUser);
        origin.ToString().ShouldBe(text, "an origin interpolated into a message prints as reports always printed it");
    }
}
