using Handoff.Analysis.Rules;

namespace Handoff.Cli.Tests.Distribution;

/// <summary>The Native AOT executable runs with an empty environment and no .NET on PATH, and its rules are all there.</summary>
public sealed class NativeBinaryTests : IDisposable
{
    private readonly string _emptyPath = Artifacts.TempDirectory("empty-path");

    public void Dispose() => Directory.Delete(_emptyPath, recursive: true);

    /// <summary>Runs the binary under 'env -i' with PATH set to an empty folder: no dotnet, no DOTNET_ROOT, no HOME.</summary>
    private CliRun RunBare(params string[] args) =>
        Artifacts.Run("/usr/bin/env", CliRunner.Root, null, TimeSpan.FromSeconds(30), ["-i", $"PATH={_emptyPath}", Artifacts.Native, .. args]);

    [ArtifactFact]
    public void NativeBinary_UnderAnEmptyEnvironment_PrintsTheSharedVersion()
    {
        Artifacts.Require();
        Artifacts.Run("/usr/bin/env", CliRunner.Root, null, TimeSpan.FromSeconds(30), "-i", $"PATH={_emptyPath}", "/bin/sh", "-c", "command -v dotnet").ExitCode.ShouldNotBe(0, "the bare PATH still finds dotnet");

        var run = RunBare("--version");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.Trim().ShouldBe(Artifacts.Version);
    }

    [ArtifactFact]
    public void NativeBinary_Rules_ListsEveryRuleOfTheCatalogue()
    {
        Artifacts.Require();

        var run = RunBare("rules", "--format", "json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        foreach (var rule in RuleCatalog.All)
        {
            run.Stdout.ShouldContain($"\"id\": \"{rule.Descriptor.Id}\"");
        }
    }

    [ArtifactFact]
    public void NativeBinary_CheckNaiveSample_FindsTheTerminationRace()
    {
        Artifacts.Require();

        var naive = RunBare("check", "samples/deploy/naive.yaml", "--format", "json");
        var recommended = RunBare("check", "samples/deploy/recommended.yaml");

        naive.ExitCode.ShouldBe(1, naive.Stderr);
        naive.Stdout.ShouldContain("\"ruleId\": \"HO101\"");
        recommended.ExitCode.ShouldBe(0, recommended.Stdout + recommended.Stderr);
    }
    /// <summary>
    /// The start-up setting of Handoff.Cli.csproj is in force: an ELF executable of type ET_EXEC (non-PIE), whose type
    /// data the kernel maps from the file instead of the runtime rehydrating it at every start (docs/performance.md).
    /// A PIE build (ET_DYN) still works, but starts about twice as slowly; this catches the setting being lost.
    /// </summary>
    [ArtifactFact]
    public void NativeBinary_IsLinkedAsANonPositionIndependentExecutable()
    {
        Artifacts.Require();
        const ushort EtExec = 2;

        var header = new byte[18];
        using (var file = File.OpenRead(Artifacts.Native))
        {
            file.ReadExactly(header);
        }

        header[..4].ShouldBe(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, "not an ELF file");
        BitConverter.ToUInt16(header, 16).ShouldBe(EtExec, "e_type: 2 is a non-PIE executable, 3 a position-independent one");
    }
}
