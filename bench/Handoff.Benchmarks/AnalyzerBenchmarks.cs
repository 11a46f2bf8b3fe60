using BenchmarkDotNet.Attributes;
using Handoff.Analysis;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Handoff.Benchmarks;

/// <summary>
/// 'check' throughput on a generated corpus of 10,000 resources, against two floors: YamlDotNet's event parser alone
/// (the least any YamlDotNet-based tool can do) and YamlDotNet's representation model (what most tools use).
/// Resources per second = 10,000 / mean.
/// </summary>
[MemoryDiagnoser]
[GcConcurrent(false)] // as the handoff CLI runs (ConcurrentGarbageCollection=false in Handoff.Cli.csproj)
public class AnalyzerBenchmarks
{
    /// <summary>Resources in the corpus.</summary>
    public const int Resources = 10_000;

    private string _yaml = string.Empty;
    private SourceFile _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        _yaml = Corpus.Generate(Resources);
        _file = new SourceFile("corpus.yaml", _yaml, SourceKind.Manifest);
        var check = Analyzer.Analyze(ManifestSet.Parse([_file]));
        if (check.Model.Objects.Count != Resources || check.Errors.Count != 0)
        {
            throw new InvalidOperationException($"Corpus has {check.Model.Objects.Count} objects and {check.Errors.Count} errors.");
        }
    }

    /// <summary>YamlDotNet's parser, consuming every event and nothing else.</summary>
    [Benchmark(Baseline = true)]
    public int ParseOnlyFloor()
    {
        var parser = new Parser(new StringReader(_yaml));
        var events = 0;
        while (parser.MoveNext())
        {
            events += parser.Current is Scalar ? 1 : 0;
        }

        return events;
    }

    /// <summary>YamlDotNet's representation model (YamlStream.Load).</summary>
    [Benchmark]
    public int YamlStreamLoad()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(_yaml));
        return stream.Documents.Count;
    }

    /// <summary>Handoff's reader: nodes with positions, depth and alias limits.</summary>
    [Benchmark]
    public int HandoffReader() => YamlReader.Read(_file).Documents.Count;

    /// <summary>The whole of 'check' minus output: read, model, budgets, every rule.</summary>
    [Benchmark]
    public int FullAnalysis() => Analyzer.Analyze(ManifestSet.Parse([_file])).Findings.Count;
}
