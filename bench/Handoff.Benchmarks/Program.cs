using System.Globalization;
using BenchmarkDotNet.Running;
using Handoff.Benchmarks;

// Run all: dotnet run -c Release --project bench/Handoff.Benchmarks -- --filter '*'
// Write the corpus to a file (bench/startup/run.sh checks it whole-process): ... -- corpus 10000 FILE
if (args is ["corpus", var count, var path])
{
    File.WriteAllText(path, Corpus.Generate(int.Parse(count, CultureInfo.InvariantCulture)));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
