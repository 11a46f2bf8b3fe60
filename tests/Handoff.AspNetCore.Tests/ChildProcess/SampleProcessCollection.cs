namespace Handoff.AspNetCore.Tests.ChildProcess;

/// <summary>Child-process tests measure timing; they run alone, not beside the in-process tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SampleProcessCollection
{
    public const string Name = "sample process";
}
